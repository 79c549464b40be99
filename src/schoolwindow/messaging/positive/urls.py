"""Praise and positive notes, under /families/ (names in the `families` namespace)."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.positive import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("praise/group/<int:group_id>/", views.praise_group, name="praise_group"),
    path("praise/pupil/<int:pupil_id>/", views.praise_pupil, name="praise_pupil"),
    path("positive/", views.positive_page, name="positive"),
]
