"""A provider's record pages, under /office/collection/records/ (namespace collection_office)."""

from django.urls import path

from . import views as records_views

urlpatterns = [
    path("", records_views.records, name="records"),
    path("new/", records_views.record_items, name="record_items"),
    path("new/<slug:code>/", records_views.record_new, name="record_new"),
    path("<int:pk>/", records_views.record_detail, name="record_detail"),
    path("<int:pk>/edit/", records_views.record_edit, name="record_edit"),
    path("<int:pk>/revoke/", records_views.record_revoke, name="record_revoke"),
]
