"""Bulk imports of a provider's staff, mounted at /office/collection/imports/ in `collection_office`."""

from django.urls import path

from . import views as imports_views

urlpatterns = [
    path("<slug:code>/", imports_views.imports, name="imports"),
    path("<slug:code>/new/", imports_views.import_new, name="import_new"),
    path("<slug:code>/<int:pk>/", imports_views.import_detail, name="import_detail"),
    path("<slug:code>/<int:pk>/progress/", imports_views.import_progress, name="import_progress"),
    path("<slug:code>/<int:pk>/errors.xlsx", imports_views.import_errors, name="import_errors"),
    path("<slug:code>/<int:pk>/original/", imports_views.import_original, name="import_original"),
    path("<slug:code>/templates/<slug:item_code>.xlsx", imports_views.template_xlsx, name="template_xlsx"),
    path("<slug:code>/templates/<slug:item_code>.csv", imports_views.template_csv, name="template_csv"),
]
