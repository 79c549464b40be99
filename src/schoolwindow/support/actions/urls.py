"""Calls, referrals and the support timeline, mounted at /support/."""

from django.urls import path

from schoolwindow.support.actions import views

app_name = "actions"

urlpatterns = [
    path("pupils/<int:pupil_id>/support/", views.timeline, name="timeline"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag_resolve"),
]
