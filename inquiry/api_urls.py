from django.urls import path  # noqa: F401

app_name = "inquiry_api"

urlpatterns: list = []
