"""Public pages about the platform itself: /statistics/, /providers/."""

urlpatterns: list = []
