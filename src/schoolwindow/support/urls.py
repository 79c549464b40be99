"""The support app, mounted at /support/."""

from django.urls import include, path

urlpatterns = [
    path("advocates/", include("schoolwindow.support.advocates.urls")),
]
