from django.urls import URLPattern, path

from schoolwindow.homelife import survey_views, views

app_name = "homelife"
urlpatterns: list[URLPattern] = [
    path("pupils/<int:pupil_id>/", views.profile, name="profile"),
    path("pupils/<int:pupil_id>/phone/", views.phone_answers, name="phone_answers"),
    path("surveys/", views.rounds, name="rounds"),
    path("surveys/<int:round_id>/", views.round_detail, name="round"),
    path("surveys/<int:round_id>/remind/", views.round_remind, name="round_remind"),
    path("s/<str:token>/", survey_views.survey_start, name="survey_start"),
    path("s/<str:token>/q/<slug:slug>/", survey_views.survey_question, name="survey_question"),
    path("s/<str:token>/check/", survey_views.survey_check, name="survey_check"),
    path("s/<str:token>/done/", survey_views.survey_done, name="survey_done"),
]
