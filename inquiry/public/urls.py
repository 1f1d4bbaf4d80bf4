"""Public search, subject and record pages (SPEC §6): `/subjects/?q=…`, `/subjects/<统一社会信用代码>/`,
`/subjects/<统一社会信用代码>/records/<id>/`."""

from django.urls import path

from . import views

app_name = "subjects"

urlpatterns = [
    path("", views.search, name="search"),
    path("<str:code>/", views.subject_detail, name="detail"),
    path("<str:code>/records/<int:pk>/", views.record_detail, name="record"),
]
