"""Events and parents' evenings, mounted at /portal/events/."""

from django.urls import path

from schoolwindow.portal.events import views

app_name = "portal_events"

urlpatterns = [
    path("", views.family, name="family"),
    path("event/<int:event_id>/", views.family_event, name="family_event"),
    path("evening/<int:evening_id>/", views.family_evening, name="family_evening"),
    path("evening/<int:evening_id>/hold/", views.hold, name="hold"),
    path("appointment/<int:appointment_id>/", views.appointment, name="appointment"),
    path("appointment/<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("appointment/<int:appointment_id>/join/", views.join, name="join"),
    path("calendar/", views.calendar, name="calendar"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("staff/", views.staff, name="staff"),
    path("staff/event/new/", views.staff_event_new, name="staff_event_new"),
    path("staff/event/<int:event_id>/", views.staff_event, name="staff_event"),
    path("staff/event/<int:event_id>/edit/", views.staff_event_edit, name="staff_event_edit"),
    path("staff/evening/new/", views.staff_evening_new, name="staff_evening_new"),
    path("staff/evening/<int:evening_id>/", views.staff_evening, name="staff_evening"),
    path("staff/evening/<int:evening_id>/schedule/", views.schedule, name="schedule"),
    path("staff/evening/<int:evening_id>/unbooked/", views.unbooked, name="unbooked"),
    path("staff/teacher/<int:teacher_id>/", views.teacher, name="teacher"),
]
