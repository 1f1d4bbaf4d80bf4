"""/statistics/ (SPEC §6), namespace statistics."""

from django.urls import path

from . import public_views

app_name = "statistics"
urlpatterns = [
    path("", public_views.statistics, name="public"),
    path("data.csv", public_views.statistics_csv, name="csv"),
]
