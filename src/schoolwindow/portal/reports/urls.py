"""Progress reports, mounted at /portal/reports/."""

from django.urls import path

from schoolwindow.portal.reports import views

app_name = "portal_reports"

urlpatterns = [
    path("", views.family_reports, name="family"),
    path("<int:report_id>/", views.family_report, name="family_report"),
    path("<int:report_id>/pdf/", views.family_pdf, name="family_pdf"),
    path("<int:report_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:report_id>/reply/", views.reply, name="reply"),
    path("staff/", views.staff_runs, name="staff"),
    path("staff/templates/new/", views.template_new, name="template_new"),
    path("staff/schedule/", views.schedule, name="schedule"),
    path("staff/runs/<int:run_id>/", views.run_detail, name="run"),
    path("staff/runs/<int:run_id>/publish/", views.publish, name="publish"),
    path("staff/runs/<int:run_id>/resend/", views.resend, name="resend"),
    path("staff/runs/<int:run_id>/pupils/<int:pupil_id>/", views.write, name="write"),
    path("staff/runs/<int:run_id>/pupils/<int:pupil_id>/review/", views.review, name="review"),
]
