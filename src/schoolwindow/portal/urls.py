"""The family portal, mounted at /portal/."""

from django.urls import include, path

urlpatterns = [
    path("", include("schoolwindow.portal.home.urls")),
    path("absence/", include("schoolwindow.portal.absence.urls")),
    path("details/", include("schoolwindow.portal.details.urls")),
    path("consent/", include("schoolwindow.portal.consent.urls")),
    path("reports/", include("schoolwindow.portal.reports.urls")),
    path("portfolio/", include("schoolwindow.portal.portfolio.urls")),
    path("events/", include("schoolwindow.portal.events.urls")),
]
