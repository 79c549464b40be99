from django.urls import URLPattern, URLResolver, path

from schoolwindow.messaging import broadcast_views, family_views, settings_views

app_name = "families"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", family_views.hub, name="hub"),
    path("praise/group/<int:group_id>/", family_views.praise_group, name="praise_group"),
    path("praise/pupil/<int:pupil_id>/", family_views.praise_pupil, name="praise_pupil"),
    path("positive/", family_views.positive_page, name="positive"),
    path("unreachable/", family_views.unreachable_page, name="unreachable"),
    path("unreachable/letters.pdf", family_views.letters_print, name="letters_print"),
    path("nudges/", family_views.nudge_batches, name="nudges"),
    path("nudges/prepare/", family_views.nudge_prepare_now, name="nudges_prepare"),
    path("nudges/<int:batch_id>/", family_views.nudge_batch, name="nudge_batch"),
    path("nudges/opt-out/", family_views.nudges_opt_out, name="nudges_opt_out"),
    path("nudges/stop/<str:token>/", family_views.nudges_stop, name="nudges_stop"),
    path("settings/", settings_views.messaging_settings, name="settings"),
    path("broadcasts/", broadcast_views.broadcast_list, name="broadcasts"),
    path("broadcasts/new/", broadcast_views.broadcast_new, name="broadcast_new"),
    path(
        "broadcasts/<int:broadcast_id>/",
        broadcast_views.broadcast_detail,
        name="broadcast_detail",
    ),
    path(
        "broadcasts/<int:broadcast_id>/video/",
        broadcast_views.broadcast_video,
        name="broadcast_video",
    ),
    path(
        "broadcasts/<int:broadcast_id>/video/file/",
        broadcast_views.broadcast_video_file,
        name="broadcast_video_file",
    ),
    path(
        "broadcasts/<int:broadcast_id>/video/poster/",
        broadcast_views.broadcast_video_poster,
        name="broadcast_video_poster",
    ),
]
