from django.urls import path

from schoolwindow.support.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.outcomes, name="outcomes"),
    path("settings/", views.settings_change, name="settings"),
]
