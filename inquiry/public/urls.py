"""Public search and subject pages (SPEC §6): `/subjects/?q=…`, `/subjects/<统一社会信用代码>/`."""

from django.urls import path

from . import public_views

app_name = "subjects"

urlpatterns = [
    path("", public_views.search, name="search"),
    path("<str:code>/", public_views.subject_detail, name="detail"),
]
