"""Care packages and food parcels, mounted at /support/parcels/."""

from django.urls import path

from schoolwindow.support.parcels import views

app_name = "parcels"

urlpatterns = [
    path("", views.requests, name="requests"),
    path("new/", views.request_new, name="request_new"),
    path("lists/", views.packing_lists, name="lists"),
    path("lists/<int:list_id>/", views.packing_list_edit, name="list_edit"),
    path("<int:request_id>/", views.request_detail, name="request"),
    path("<int:request_id>/pack/", views.pack, name="pack"),
    path("<int:request_id>/confirm/", views.confirm, name="confirm"),
    path("<int:request_id>/cancel/", views.cancel, name="cancel"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/link/", views.round_link, name="round_link"),
    path("rounds/<int:round_id>/sheet/", views.round_sheet, name="sheet"),
    path("driver/<str:token>/", views.driver, name="driver"),
    path("driver/<str:token>/stops/<int:request_id>/", views.driver_stop, name="driver_stop"),
]
