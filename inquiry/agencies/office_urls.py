"""The center's review of credit service agencies, mounted at /office/agencies/."""

from django.urls import path

from . import office_views as views

app_name = "agency_office"

urlpatterns = [
    path("", views.agencies, name="list"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("<int:pk>/approve/", views.agency_approve, name="approve"),
    path("<int:pk>/refuse/", views.agency_refuse, name="refuse"),
    path("keys/<int:key_pk>/quota/", views.key_quota, name="key_quota"),
    path("keys/<int:key_pk>/revoke/", views.key_revoke, name="key_revoke"),
]
