"""The family portal, mounted at /portal/."""

from django.urls import include, path

urlpatterns = [
    path("absence/", include("schoolwindow.portal.absence.urls")),
    path("events/", include("schoolwindow.portal.events.urls")),
]
