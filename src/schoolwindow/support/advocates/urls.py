"""Advocates, mounted at /support/advocates/."""

from django.urls import path

from schoolwindow.support.advocates import views

app_name = "advocates"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("coverage/", views.coverage, name="coverage"),
    path("settings/", views.settings_page, name="advocacy_settings"),
    path("settings/limits/<int:staff_id>/", views.limit, name="caseload_limit"),
    path("pupils/<int:pupil_id>/", views.pupil, name="advocacy_pupil"),
    path("pupils/<int:pupil_id>/assign/", views.assign, name="advocate_assign"),
    path("pupils/<int:pupil_id>/designate/", views.designate, name="designate"),
    path("pupils/<int:pupil_id>/cadence/", views.cadence, name="cadence"),
    path("pupils/<int:pupil_id>/contact/", views.contact, name="advocate_contact"),
    path("assignments/<int:assignment_id>/end/", views.end, name="advocate_end"),
    path("designations/<int:designation_id>/end/", views.designation_end, name="designation_end"),
]
