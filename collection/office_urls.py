"""The collection back office, mounted at /office/collection/."""

from django.urls import path

from . import office_views

app_name = "collection_office"

urlpatterns = [
    path("tokens/<slug:code>/", office_views.tokens, name="tokens"),
    path("tokens/<slug:code>/<int:pk>/revoke/", office_views.revoke_token, name="revoke_token"),
]
