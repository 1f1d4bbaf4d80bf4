from django.urls import path  # noqa: F401

app_name = "objection_office"

urlpatterns: list = []
