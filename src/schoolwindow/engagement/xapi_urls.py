"""Mounted at /xapi/: the xAPI 1.0.3 resources School Window receives."""

from django.urls import path

from schoolwindow.engagement import xapi_views

app_name = "xapi"
urlpatterns = [
    path("statements", xapi_views.statements, name="statements"),
    path("about", xapi_views.about, name="about"),
]
