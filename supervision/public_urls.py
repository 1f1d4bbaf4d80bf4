"""Public pages about the platform itself: /statistics/, /providers/, /filings/."""

from django.urls import include, path

from .filings import urls as filings_urls

urlpatterns: list = [
    path("statistics/", include("supervision.statistics.public_urls")),
    path("providers/", include("supervision.providers.urls")),
    *filings_urls.public_urlpatterns,
]
