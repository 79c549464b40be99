"""Study groups, mounted at /support/groups/."""

from django.urls import path

from schoolwindow.support.studygroups import views

app_name = "studygroups"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("today/", views.today, name="today"),
    path("<int:group_id>/", views.group, name="group"),
    path("<int:group_id>/edit/", views.edit, name="edit"),
    path("<int:group_id>/members/", views.member_add, name="member_add"),
    path("<int:group_id>/checkin/", views.checkin, name="checkin"),
    path("<int:group_id>/members/<int:pupil_id>/text/", views.member_text, name="member_text"),
]
