"""Department databases (数据库对接), under /office/collection/pull/ (namespace collection_office)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.providers, name="pull_providers"),
    path("<slug:code>/", views.sources, name="pull_sources"),
    path("<slug:code>/new/", views.new_source, name="pull_new"),
    path("<slug:code>/<int:pk>/", views.source_detail, name="pull_source"),
    path("<slug:code>/<int:pk>/edit/", views.edit_source, name="pull_edit"),
    path("<slug:code>/<int:pk>/pull/", views.pull_now, name="pull_now"),
    path("<slug:code>/<int:pk>/reset/", views.reset, name="pull_reset"),
    path("<slug:code>/<int:pk>/runs/<int:run_pk>/", views.run_detail, name="pull_run"),
]
