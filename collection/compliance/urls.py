"""The timeliness report, under /office/collection/compliance/ (namespace collection_office)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.compliance, name="compliance"),
    path("export.xlsx", views.compliance_xlsx, name="compliance_xlsx"),
]
