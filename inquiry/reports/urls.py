"""Credit reports (信用报告), mounted at /reports/. `verify` is public (SPEC §6)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("verify/", views.verify, name="verify"),
    path("new/", views.new, name="new"),
    path("special/new/", views.special_new, name="special_new"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/download/", views.download, name="download"),
]
