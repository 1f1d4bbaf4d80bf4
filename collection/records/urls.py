"""A provider's record pages, under /office/collection/records/ (namespace collection_office)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.records, name="records"),
    path("new/", views.record_items, name="record_items"),
    path("new/<slug:code>/", views.record_new, name="record_new"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
    path("<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/revoke/", views.record_revoke, name="record_revoke"),
]
