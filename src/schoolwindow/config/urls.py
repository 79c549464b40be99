from django.urls import include, path

urlpatterns = [
    path("", include("schoolwindow.accounts.urls")),
    path("schools/", include("schoolwindow.people.roster_urls")),
    path("pupils/", include("schoolwindow.people.urls")),
    path("imports/", include("schoolwindow.connectors.urls")),
    path("audit/", include("schoolwindow.audit.urls")),
    path("watchlist/", include("schoolwindow.engagement.urls")),
    path("xapi/", include("schoolwindow.engagement.xapi_urls")),
    path("messages/", include("schoolwindow.messaging.conversations.urls")),
    path("families/", include("schoolwindow.messaging.family_urls")),
    path("phrasebook/", include("schoolwindow.messaging.translation.urls")),
    path("home-learning/", include("schoolwindow.homelife.urls")),
    path("hooks/", include("schoolwindow.messaging.delivery.webhook_urls")),
    path("support/", include("schoolwindow.support.urls")),
    path("portal/", include("schoolwindow.portal.urls")),
    path("loans/", include("schoolwindow.support.loans.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "schoolwindow.core.error_views.permission_denied"
handler404 = "schoolwindow.core.error_views.page_not_found"
handler500 = "schoolwindow.core.error_views.server_error"
