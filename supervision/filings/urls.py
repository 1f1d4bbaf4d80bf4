from django.urls import path

from . import views

urlpatterns = [
    path("filings/", views.filings, name="filings"),
    path("filings/review/", views.review_queue, name="filing_review"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/accept/", views.filing_accept, name="filing_accept"),
    path("filings/<int:pk>/return/", views.filing_return, name="filing_return"),
    path("filings/<int:pk>/document/", views.filing_document, name="filing_document"),
]

public_urlpatterns = [
    path("filings/", views.public_list, name="filings_public"),
    path("filings/<int:pk>/document/", views.public_document, name="filing_public_document"),
]
