"""A school's messaging settings, under /families/ (names in the `families` namespace)."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.settings import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/", views.messaging_settings, name="settings"),
]
