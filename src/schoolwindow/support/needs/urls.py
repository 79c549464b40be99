"""Needs, mounted at /support/needs/."""

from django.urls import path

from schoolwindow.support.needs import views

app_name = "needs"

urlpatterns = [
    path("", views.board, name="board"),
    path("rules/", views.rules, name="rules"),
    path("pupils/<int:pupil_id>/met/", views.mark_met, name="mark_met"),
]
