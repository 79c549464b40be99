"""Weekly summaries (nudges), under /families/ (names in the `families` namespace)."""

from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging.summaries import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("nudges/", views.nudge_batches, name="nudges"),
    path("nudges/prepare/", views.nudge_prepare_now, name="nudges_prepare"),
    path("nudges/<int:batch_id>/", views.nudge_batch, name="nudge_batch"),
    path("nudges/opt-out/", views.nudges_opt_out, name="nudges_opt_out"),
    path("nudges/stop/<str:token>/", views.nudges_stop, name="nudges_stop"),
]
