from django.urls import path

from . import api

app_name = "catalog_api"

urlpatterns = [
    path("", api.CatalogView.as_view(), name="catalog"),
]
