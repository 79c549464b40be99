"""Absence reporting, mounted at /portal/absence/."""

from django.urls import path

from schoolwindow.portal.absence import views

app_name = "portal_absence"

urlpatterns = [
    path("", views.family_reports, name="family"),
    path("new/", views.report_new, name="new"),
    path("<int:report_id>/", views.report_detail, name="report"),
    path("office/", views.office_list, name="office"),
    path("office/<int:report_id>/", views.office_confirm, name="confirm"),
    path("office/calling/", views.calling, name="calling"),
    path("office/phoned/", views.office_phoned, name="phoned"),
]
