"""The parent's home and the head's message, mounted at /portal/."""

from django.urls import path

from schoolwindow.portal.home import views

urlpatterns = [
    path("", views.parent_home, name="parent_home"),
    path("head/", views.head_messages, name="head_messages"),
    path("head/<int:message_id>/", views.head_message, name="head_message"),
    path(
        "head/<int:message_id>/withdraw/", views.head_message_withdraw, name="head_message_withdraw"
    ),
]
