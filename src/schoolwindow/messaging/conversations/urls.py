"""Conversations with families, mounted at /messages/."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.conversations import pupil_views, views

app_name = "messaging"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("new/", views.conversation_new, name="new"),
    path("<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("<int:conversation_id>/reply/", views.conversation_reply, name="reply"),
    # An announcement is one-way: a parent writes to the school about it.
    path("<int:conversation_id>/write/", views.announcement_answer, name="announcement_answer"),
    path("<int:conversation_id>/staff/", views.conversation_staff_add, name="staff_add"),
    path("pupil/<int:pupil_id>/", pupil_views.pupil_messages, name="pupil"),
    path("pupil/<int:pupil_id>/contact/", pupil_views.contact_log, name="contact_log"),
    # The link in emails and texts: no sign-in, the token is the secret.
    path("r/<str:token>", views.read_link, name="read_link"),
]
