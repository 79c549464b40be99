from django.urls import path

from schoolwindow.people import roster_views as views

urlpatterns = [
    path("", views.school_list, name="school_list"),
    path("<int:school_id>/", views.school_detail, name="school_detail"),
    path("classes/", views.group_list, name="group_list"),
    path("classes/<int:group_id>/", views.group_detail, name="group_detail"),
]
