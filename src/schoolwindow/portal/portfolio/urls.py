"""The portfolio, mounted at /portal/portfolio/."""

from django.urls import path

from schoolwindow.portal.portfolio import views

app_name = "portal_portfolio"

urlpatterns = [
    path("", views.index, name="index"),
    path("child/<int:pupil_id>/", views.child, name="child"),
    path("child/<int:pupil_id>/new/", views.post_new, name="new"),
    path("child/<int:pupil_id>/consent/", views.consent, name="consent"),
    path("post/<int:post_id>/", views.post_detail, name="post"),
    path("post/<int:post_id>/comment/", views.comment_new, name="comment"),
    path("post/<int:post_id>/decide/", views.post_decide, name="decide"),
    path("post/<int:post_id>/small/", views.post_small, name="post_small"),
    path("comment/<int:comment_id>/hide/", views.comment_hide, name="hide"),
    path("file/<int:file_id>/", views.file_full, name="file"),
    path("file/<int:file_id>/small/", views.file_small, name="file_small"),
    path("school/", views.feed, name="feed"),
    path("school/approve/", views.queue, name="queue"),
    path("school/settings/", views.school_settings, name="settings"),
]
