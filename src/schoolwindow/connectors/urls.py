from django.urls import path

from schoolwindow.connectors import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<int:run_id>/", views.import_detail, name="import_detail"),
    path("<int:run_id>/progress/", views.import_progress, name="import_progress"),
]
