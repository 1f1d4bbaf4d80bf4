from django.urls import path

from . import info_views

app_name = "info"

urlpatterns = [
    path("regulation/", info_views.regulation_text, name="regulation"),
    path("guide/", info_views.guide_list, name="guides"),
    path("guide/<slug:slug>/", info_views.guide_detail, name="guide"),
    path("sitemap/", info_views.site_map, name="sitemap"),
]
