"""The timeliness report, under /office/collection/compliance/ (namespace collection_office)."""

from django.urls import path

from . import views as compliance_views

urlpatterns = [
    path("", compliance_views.compliance, name="compliance"),
    path("export.xlsx", compliance_views.compliance_xlsx, name="compliance_xlsx"),
]
