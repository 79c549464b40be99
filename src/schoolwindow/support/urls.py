"""The support app, mounted at /support/."""

from django.urls import include, path

urlpatterns = [
    path("visits/", include("schoolwindow.support.visits.urls")),
    path("advocates/", include("schoolwindow.support.advocates.urls")),
    path("needs/", include("schoolwindow.support.needs.urls", namespace="needs")),
    path("groups/", include("schoolwindow.support.studygroups.urls")),
    path("outcomes/", include("schoolwindow.support.outcomes.urls")),
    path("", include("schoolwindow.support.actions.urls")),
    path("parcels/", include("schoolwindow.support.parcels.urls")),
]
