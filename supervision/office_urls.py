"""Back-office pages of supervision: statistical reports, accountability cases, filings."""

from django.urls import include, path

from .accountability import urls as accountability_urls
from .filings import urls as filings_urls

app_name = "supervision_office"
urlpatterns: list = [
    *accountability_urls.urlpatterns,
    *filings_urls.urlpatterns,
    path("statistics/", include("supervision.statistics.urls")),
]
