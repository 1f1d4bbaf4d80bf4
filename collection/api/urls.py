"""/api/v1/records/: the provider API (SPEC §6), included by nantong_credit/api_urls.py."""

from django.urls import path

from . import views as api_views

app_name = "records_api"

urlpatterns = [
    path("", api_views.RecordSubmitView.as_view(), name="submit"),
    path("batch/", api_views.RecordBatchView.as_view(), name="batch"),
    path("revoke/", api_views.RecordRevokeView.as_view(), name="revoke"),
    path("<int:pk>/", api_views.RecordDetailView.as_view(), name="detail"),
]
