from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "schoolwindow.people"
    label = "people"
