"""/families/: the hub, and the pages of each part that works with families as a whole."""

from django.urls import URLPattern, URLResolver, include, path

from schoolwindow.messaging import hub_views

app_name = "families"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", hub_views.hub, name="hub"),
    path("", include("schoolwindow.messaging.positive.urls")),
    path("", include("schoolwindow.messaging.delivery.urls")),
    path("", include("schoolwindow.messaging.summaries.urls")),
    path("", include("schoolwindow.messaging.settings.urls")),
    path("", include("schoolwindow.messaging.broadcasts.urls")),
]
