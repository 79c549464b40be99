"""The families we can't reach and their letters, under /families/ (the `families` namespace).
The SMS provider's hooks are in `webhook_urls`."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.delivery import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("unreachable/", views.unreachable_page, name="unreachable"),
    path("unreachable/letters.pdf", views.letters_print, name="letters_print"),
    path("unreachable/letters-posted/", views.letters_posted, name="letters_posted"),
]
