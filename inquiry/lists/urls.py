"""The public credit lists: `/lists/`, `/lists/dishonesty/`, `/lists/red/` and their CSV."""

from django.urls import path

from . import views

app_name = "lists"

urlpatterns = [
    path("", views.index, name="index"),
    path("dishonesty/", views.entries, {"slug": "dishonesty"}, name="dishonesty"),
    path("dishonesty/entries.csv", views.entries_csv, {"slug": "dishonesty"}, name="dishonesty_csv"),
    path("red/", views.entries, {"slug": "red"}, name="red"),
    path("red/entries.csv", views.entries_csv, {"slug": "red"}, name="red_csv"),
]
