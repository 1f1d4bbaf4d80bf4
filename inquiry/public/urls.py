"""Public search and subject pages (SPEC §6): `/subjects/?q=…`, `/subjects/<统一社会信用代码>/`."""

from django.urls import path

from . import views

app_name = "subjects"

urlpatterns = [
    path("", views.search, name="search"),
    path("<str:code>/", views.subject_detail, name="detail"),
]
