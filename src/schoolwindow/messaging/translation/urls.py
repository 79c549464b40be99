"""/phrasebook/: the staff phrasebook, the phrase picker's fragments and the family preview."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.translation import views

app_name = "phrasebook"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.phrasebook_index, name="index"),
    path("pick/", views.phrase_pick, name="pick"),
    path("pick/use/", views.phrase_use, name="use"),
    path("preview/", views.phrase_preview, name="preview"),
]
