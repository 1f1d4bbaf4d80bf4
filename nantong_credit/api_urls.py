"""The machine-readable API (`/api/v1/`); each app contributes its endpoints here."""

from django.urls import include, path

urlpatterns = [
    path("catalog/", include("catalog.api_urls")),
    path("records/", include("collection.api.urls")),
    path("subjects/", include("inquiry.api.urls")),
    path("agency/", include("inquiry.agencies.api_urls")),
]
