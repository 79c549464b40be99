from django.urls import path

from schoolwindow.support.loans import views

app_name = "loans"

urlpatterns = [
    path("", views.inventory, name="inventory"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/lend/", views.item_lend, name="item_lend"),
    path("items/<int:item_id>/status/", views.item_status, name="item_status"),
    path("items/<int:item_id>/photo/", views.item_photo, name="item_photo"),
    path("out/", views.loans, name="loans"),
    path("out/<int:loan_id>/", views.loan_detail, name="loan_detail"),
    path("out/<int:loan_id>/return/", views.loan_return, name="loan_return"),
    path("out/<int:loan_id>/paper/", views.loan_paper, name="loan_paper"),
    path("out/<int:loan_id>/remind/", views.loan_remind, name="loan_remind"),
    path("out/<int:loan_id>/charge/", views.loan_charge, name="loan_charge"),
    path("pupils/<int:pupil_id>/", views.pupil_loans, name="pupil_loans"),
    path("labels.pdf", views.labels, name="labels"),
    path("import/", views.inventory_import, name="import"),
    path("export.csv", views.inventory_export, name="export"),
    path("agreements/", views.agreements, name="agreements"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("mine/", views.my_loans, name="my_loans"),
    path("mine/<int:loan_id>/", views.my_loan, name="my_loan"),
]
