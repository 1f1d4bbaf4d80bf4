"""Bulk imports of a provider's staff, mounted at /office/collection/imports/ in `collection_office`."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.imports, name="imports"),
    path("<slug:code>/new/", views.import_new, name="import_new"),
    path("<slug:code>/<int:pk>/", views.import_detail, name="import_detail"),
    path("<slug:code>/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("<slug:code>/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("<slug:code>/<int:pk>/original/", views.import_original, name="import_original"),
    path("<slug:code>/templates/<slug:item_code>.xlsx", views.template_xlsx, name="template_xlsx"),
    path("<slug:code>/templates/<slug:item_code>.csv", views.template_csv, name="template_csv"),
]
