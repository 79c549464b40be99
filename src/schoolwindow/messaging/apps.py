from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "schoolwindow.messaging"
    label = "messaging"
    verbose_name = "Messages with families"
