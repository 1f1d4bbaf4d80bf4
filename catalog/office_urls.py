from django.urls import path

from . import domain_views
from . import office_views as views

app_name = "catalog_office"

version = "versions/<int:number>/"
item = version + "items/<int:item_id>/"
field = item + "fields/<int:field_id>/"
document = version + "documents/<int:document_id>/"

urlpatterns = [
    path("", views.VersionListView.as_view(), name="versions"),
    path("domains/", domain_views.domain_list, name="domains"),
    path("domains/new/", domain_views.domain_add, name="domain_add"),
    path("domains/<int:pk>/edit/", domain_views.domain_edit, name="domain_edit"),
    path("drafts/new/", views.CreateDraftView.as_view(), name="create_draft"),
    path(version, views.VersionDetailView.as_view(), name="version"),
    path(version + "edit/", views.VersionEditView.as_view(), name="version_edit"),
    path(version + "diff/", views.DiffView.as_view(), name="diff"),
    path(version + "publish/", views.PublishView.as_view(), name="publish"),
    path(version + "items/add/", views.ItemCreateView.as_view(), name="item_add"),
    path(item, views.ItemDetailView.as_view(), name="item"),
    path(item + "edit/", views.ItemEditView.as_view(), name="item_edit"),
    path(item + "remove/", views.ItemRemoveView.as_view(), name="item_remove"),
    path(item + "fields/add/", views.FieldCreateView.as_view(), name="field_add"),
    path(field + "edit/", views.FieldEditView.as_view(), name="field_edit"),
    path(field + "remove/", views.FieldRemoveView.as_view(), name="field_remove"),
    path(field + "move/", views.FieldMoveView.as_view(), name="field_move"),
    path(version + "documents/add/", views.DocumentCreateView.as_view(), name="document_add"),
    path(document + "edit/", views.DocumentEditView.as_view(), name="document_edit"),
    path(document + "remove/", views.DocumentRemoveView.as_view(), name="document_remove"),
]
