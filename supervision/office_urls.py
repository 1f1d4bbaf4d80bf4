"""Back-office pages of supervision: statistical reports, accountability cases, filings."""

app_name = "supervision_office"
urlpatterns: list = []
