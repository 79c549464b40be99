"""Consent and trip forms, mounted at /portal/consent/."""

from django.urls import path

from schoolwindow.portal.consent import views

app_name = "portal_consent"

urlpatterns = [
    path("", views.family_list, name="family"),
    path("<int:request_id>/<int:pupil_id>/", views.family_answer, name="answer"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_new, name="new"),
    path("staff/<int:request_id>/", views.staff_status, name="status"),
    path("staff/<int:request_id>/remind/", views.staff_remind, name="remind"),
    path("staff/<int:request_id>/pupil/<int:pupil_id>/", views.staff_pupil, name="pupil"),
    path("staff/<int:request_id>/day/", views.staff_day, name="day"),
]
