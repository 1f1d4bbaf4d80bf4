"""/api/v1/subjects/: the public subject API, included by nantong_credit/api_urls.py."""

from django.urls import path

from . import views

app_name = "inquiry_api"

urlpatterns = [
    path("<str:code>/", views.PublicSubjectView.as_view(), name="subject"),
]
