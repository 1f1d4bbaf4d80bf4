from django.urls import path  # noqa: F401

app_name = "authorization_office"

urlpatterns: list = []
