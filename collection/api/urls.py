"""/api/v1/records/: the provider API (SPEC §6), included by nantong_credit/api_urls.py."""

from django.urls import path

from . import views

app_name = "records_api"

urlpatterns = [
    path("", views.RecordSubmitView.as_view(), name="submit"),
    path("batch/", views.RecordBatchView.as_view(), name="batch"),
    path("revoke/", views.RecordRevokeView.as_view(), name="revoke"),
    path("<int:pk>/", views.RecordDetailView.as_view(), name="detail"),
]
