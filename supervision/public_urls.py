"""Public pages about the platform itself: /statistics/, /providers/, /filings/."""

from .filings import urls as filings_urls

urlpatterns: list = [*filings_urls.public_urlpatterns]
