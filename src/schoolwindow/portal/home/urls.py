"""The parent's home, mounted at /portal/."""

from django.urls import path

from schoolwindow.portal.home import views

urlpatterns = [
    path("", views.parent_home, name="parent_home"),
]
