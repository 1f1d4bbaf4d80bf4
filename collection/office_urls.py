"""The collection back office, mounted at /office/collection/ (namespace `collection_office`).
Each area is a package with its own urls module, included here without an app_name of its own."""

from django.urls import include, path

app_name = "collection_office"

urlpatterns = [
    path("tokens/", include("collection.tokens.urls")),
    path("records/", include("collection.records.urls")),
    path("imports/", include("collection.bulk.urls")),
    path("compliance/", include("collection.compliance.urls")),
    path("review/", include("collection.review.urls")),
    path("names/", include("collection.names.urls")),
    path("pull/", include("collection.pull.urls")),
]
