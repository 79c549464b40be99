"""/hooks/: the SMS provider's webhooks (inbound texts and delivery reports)."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.delivery import views

app_name = "messaging_webhooks"
urlpatterns: list[URLPattern | URLResolver] = [
    path("sms/<slug:provider>/inbound", views.sms_inbound, name="sms_inbound"),
    path("sms/<slug:provider>/status", views.sms_status, name="sms_status"),
]
