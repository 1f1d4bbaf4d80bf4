"""Public pages about the platform itself: /statistics/, /providers/."""

from django.urls import include, path

urlpatterns: list = [
    path("statistics/", include("supervision.statistics.public_urls")),
]
