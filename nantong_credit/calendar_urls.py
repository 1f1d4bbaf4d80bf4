"""The working-day calendar in the back office, mounted at /office/calendar/."""

from django.urls import path

from . import calendar_views as views

app_name = "calendar"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("notice/", views.enter_notice, name="enter_notice"),
    path("overrides/", views.add_override, name="add_override"),
    path("overrides/remove/", views.remove_override, name="remove_override"),
]
