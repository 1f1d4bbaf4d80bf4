"""The back office of objections, mounted at /office/objections/: the center's queue and
dashboard, the providers' queue of referred cases, the case page with its actions, and the
intake of written applications received on paper with their receipts, and the paper
applicants' later letters."""

from django.urls import path

from . import office_views as views
from . import paper_views

app_name = "objection_office"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("referred/", views.provider_queue, name="provider_queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("paper/", paper_views.intake, name="paper_new"),
    path("<int:pk>/receipt/", paper_views.receipt, name="receipt"),
    path("<int:pk>/reissue-code/", paper_views.reissue_code, name="reissue_code"),
    path("<int:pk>/in-writing/<slug:action>/", paper_views.record_letter, name="record_letter"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/refer/", views.refer, name="refer"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/correct/", views.correct_platform_error, name="correct"),
    path("<int:pk>/answer/confirmed/", views.answer_confirmed, name="answer_confirmed"),
    path("<int:pk>/answer/unverifiable/", views.answer_unverifiable, name="answer_unverifiable"),
    path("<int:pk>/answer/corrected/", views.answer_corrected, name="answer_corrected"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence, name="evidence"),
]
