"""The archive register (档案登记), mounted at /office/archive/."""

from django.urls import path

from . import archive_views as views

app_name = "archive"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("<str:number>/", views.entry_detail, name="detail"),
    path("<str:number>/download/", views.entry_download, name="download"),
]
