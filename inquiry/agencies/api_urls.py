"""/api/v1/agency/: the agency API, included by nantong_credit/api_urls.py."""

from django.urls import path

from . import api

app_name = "agency_api"

urlpatterns = [
    path("subjects/<str:code>/", api.AgencySubjectView.as_view(), name="subject"),
]
