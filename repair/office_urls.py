from django.urls import path

from . import office_views

app_name = "repair_office"

urlpatterns = [
    path("", office_views.queue, name="queue"),
    path("<int:pk>/", office_views.detail, name="detail"),
    path("<int:pk>/approve/", office_views.approve, name="approve"),
    path("<int:pk>/reject/", office_views.reject, name="reject"),
    path("dashboard/", office_views.dashboard_view, name="dashboard"),
    path("dashboard.xlsx", office_views.dashboard_xlsx, name="dashboard_xlsx"),
]
