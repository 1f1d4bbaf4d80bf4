"""名称不一致, under /office/collection/names/ (namespace collection_office)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.mismatches, name="name_mismatches"),
]
