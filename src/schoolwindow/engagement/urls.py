"""The watchlist and its flags, mounted at /watchlist/."""

from django.urls import path

from schoolwindow.engagement import views

urlpatterns = [
    path("", views.watchlist, name="watchlist"),
    path("rules/", views.rule_settings, name="rule_settings"),
    path("flags/<int:flag_id>/", views.flag_detail, name="flag_detail"),
    path("flags/<int:flag_id>/actions/", views.flag_actions, name="flag_actions"),
    path("flags/<int:flag_id>/assign/", views.flag_assign, name="flag_assign"),
    path("flags/<int:flag_id>/note/", views.flag_note, name="flag_note"),
    path("flags/<int:flag_id>/snooze/", views.flag_snooze, name="flag_snooze"),
    path("flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("flags/<int:flag_id>/reopen/", views.flag_reopen, name="flag_reopen"),
]
