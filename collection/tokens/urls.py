"""A provider's API tokens, under /office/collection/tokens/ (namespace collection_office)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.tokens, name="tokens"),
    path("<slug:code>/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
