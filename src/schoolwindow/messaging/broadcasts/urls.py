"""Announcements, under /families/ (names in the `families` namespace)."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.broadcasts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("broadcasts/", views.broadcast_list, name="broadcasts"),
    path("broadcasts/new/", views.broadcast_new, name="broadcast_new"),
    path("broadcasts/new/audience/", views.broadcast_audience, name="broadcast_audience"),
    path("broadcasts/new/pupils/", views.broadcast_pupils, name="broadcast_pupils"),
    path("broadcasts/<int:broadcast_id>/", views.broadcast_detail, name="broadcast_detail"),
    path("broadcasts/<int:broadcast_id>/video/", views.broadcast_video, name="broadcast_video"),
    path(
        "broadcasts/<int:broadcast_id>/video/file/",
        views.broadcast_video_file,
        name="broadcast_video_file",
    ),
    path(
        "broadcasts/<int:broadcast_id>/video/poster/",
        views.broadcast_video_poster,
        name="broadcast_video_poster",
    ),
]
