"""Back-office pages of supervision: statistical reports, accountability cases, filings."""

from django.urls import include, path

app_name = "supervision_office"
urlpatterns: list = [
    path("statistics/", include("supervision.statistics.urls")),
]
