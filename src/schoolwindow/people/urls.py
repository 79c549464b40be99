from django.urls import path

from schoolwindow.people import views

urlpatterns = [
    path("", views.pupil_list, name="pupil_list"),
    path("<int:pupil_id>/", views.pupil_detail, name="pupil_detail"),
    path("<int:pupil_id>/safeguarding/", views.pupil_safeguarding, name="pupil_safeguarding"),
    path("guardians/<int:guardian_id>/invite/", views.guardian_invite, name="guardian_invite"),
    path("my-children/", views.my_children, name="my_children"),
]
