"""Keeping details up to date, mounted at /portal/details/."""

from django.urls import path

from schoolwindow.portal.details import views

app_name = "portal_details"

urlpatterns = [
    path("", views.family_details, name="family"),
    path("<int:pupil_id>/change/", views.details_change, name="change"),
    path("<int:pupil_id>/confirm/", views.details_confirm, name="confirm"),
    path("office/", views.office_queue, name="office"),
    path("office/<int:change_id>/", views.office_change, name="decide"),
    path("office/checked/", views.office_checked, name="checked"),
    path("office/settings/", views.office_settings, name="settings"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/read/", views.alert_read, name="alert_read"),
]
