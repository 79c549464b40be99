"""Home visits, mounted at /support/visits/."""

from django.urls import path

from schoolwindow.support.visits import views

app_name = "visits"

urlpatterns = [
    path("", views.visits_list, name="visits"),
    path("intake/", views.intake, name="intake"),
    path("plan/", views.plan, name="plan"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:school_id>/<str:token>.ics", views.feed, name="feed"),
    path("<int:visit_id>/", views.visit_detail, name="visit"),
    path("<int:visit_id>/agreement/", views.visit_agreement, name="agreement"),
    path("<int:visit_id>/answer/", views.visit_answer, name="answer"),
    path("<int:visit_id>/change/", views.visit_change, name="change"),
    path("<int:visit_id>/record/", views.visit_record, name="record"),
    path("<int:visit_id>/concern/", views.visit_concern, name="concern"),
]
