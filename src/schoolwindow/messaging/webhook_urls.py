from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging import webhook_views

app_name = "messaging_webhooks"
urlpatterns: list[URLPattern | URLResolver] = [
    path("sms/<slug:provider>/inbound", webhook_views.sms_inbound, name="sms_inbound"),
    path("sms/<slug:provider>/status", webhook_views.sms_status, name="sms_status"),
]
