"""The agency's own pages, mounted at /agencies/."""

from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_list, name="list"),
    path("register/", views.agency_register, name="register"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("<int:pk>/keys/<int:key_pk>/revoke/", views.key_revoke, name="key_revoke"),
]
