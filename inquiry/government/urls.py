"""Government use of credit information (Art. 12), mounted at /office/government/."""

from django.urls import path

from ..reports import office_views as report_views
from . import views

app_name = "government"

urlpatterns = [
    path("", views.checks, name="checks"),
    path("checks/new/", views.check_new, name="check_new"),
    path("checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("checks/<int:pk>/result.xlsx", views.check_xlsx, name="check_xlsx"),
    path("commitments/", views.commitments, name="commitments"),
    path("commitments/new/", views.commitment_new, name="commitment_new"),
    # 信用代证: a report a company hands in, checked from the back office.
    path("reports/verify/", report_views.verify, name="verify_report"),
]
