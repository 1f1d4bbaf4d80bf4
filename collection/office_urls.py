"""The collection back office, mounted at /office/collection/. Each area has its own module."""

from django.urls import include, path

from . import name_views, office_views

app_name = "collection_office"

urlpatterns = [
    path("tokens/<slug:code>/", office_views.tokens, name="tokens"),
    path("tokens/<slug:code>/<int:pk>/revoke/", office_views.revoke_token, name="revoke_token"),
    path("records/", include("collection.records_urls")),
    path("imports/", include("collection.imports_urls")),
    path("compliance/", include("collection.compliance_urls")),
    path("review/", include("collection.review_urls")),
    path("names/", name_views.mismatches, name="name_mismatches"),
]
