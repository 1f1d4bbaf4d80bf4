"""Statistical reports under /office/supervision/statistics/ (namespace supervision_office)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_list, name="statistics"),
    path("generate/", views.generate, name="statistics_generate"),
    path("<str:number>/", views.detail, name="statistics_detail"),
    path("<str:number>/report.pdf", views.download_pdf, name="statistics_pdf"),
    path("<str:number>/report.xlsx", views.download_xlsx, name="statistics_xlsx"),
]
