"""The back-office catalog editor for `catalog_admin` (Art. 7-8): thin views over the services.

Reading needs `catalog.view_catalogversion`, editing a draft `catalog.change_catalogversion`,
publishing `catalog.publish_catalogversion`. Anonymous users are sent to the login page, users
without the permission get 403 (PermissionRequiredMixin's behaviour).
"""

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from . import selectors, services
from .errors import CatalogError
from .forms import ConfirmPublishForm, DocumentForm, FieldForm, ItemForm, VersionForm
from .models import CatalogDocument, CatalogField, CatalogItem, CatalogVersion

VIEW_PERMISSION = "catalog.view_catalogversion"
CHANGE_PERMISSION = "catalog.change_catalogversion"
PUBLISH_PERMISSION = "catalog.publish_catalogversion"


class CatalogOfficeMixin(PermissionRequiredMixin):
    permission_required = VIEW_PERMISSION

    @cached_property
    def version(self) -> CatalogVersion:
        return get_object_or_404(CatalogVersion, number=self.kwargs["number"])

    @cached_property
    def item(self) -> CatalogItem:
        return get_object_or_404(
            CatalogItem.objects.select_related("version", "disclosure_scheme"),
            pk=self.kwargs["item_id"],
            version=self.version,
        )

    def version_url(self) -> str:
        return reverse("catalog_office:version", args=[self.version.number])

    def item_url(self) -> str:
        return reverse("catalog_office:item", args=[self.version.number, self.item.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"] = self.version if "number" in self.kwargs else None
        if "item_id" in self.kwargs:
            context["item"] = self.item
        return context


class DraftOnlyMixin(CatalogOfficeMixin):
    """Edits of a draft. A published version is read-only: explain and go back to it."""

    permission_required = CHANGE_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return self.handle_no_permission()
        if not self.version.is_draft:
            messages.error(request, _("已发布的目录版本不可修改，如需调整请新建草稿。"))
            return redirect(self.version_url())
        return super().dispatch(request, *args, **kwargs)


class ServiceFormView(DraftOnlyMixin, FormView):
    """A form whose valid data goes to one service; domain errors come back onto the form."""

    template_name = "catalog/office/form.html"
    page_title = ""
    success_message = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=self.page_title, cancel_url=self.get_success_url(), **kwargs)

    def form_valid(self, form):
        try:
            self.perform(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except CatalogError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, data: dict) -> None:
        raise NotImplementedError


class ConfirmRemoveView(DraftOnlyMixin, TemplateView):
    """GET asks for confirmation, POST removes."""

    template_name = "catalog/office/confirm_remove.html"

    def post(self, request, *args, **kwargs):
        try:
            self.perform()
        except CatalogError as error:
            messages.error(request, str(error))
            return redirect(self.get_cancel_url())
        messages.success(request, self.success_message())
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(question=self.question(), cancel_url=self.get_cancel_url(), **kwargs)


# --- Versions ---------------------------------------------------------------------------------


class VersionListView(CatalogOfficeMixin, TemplateView):
    template_name = "catalog/office/versions.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(versions=selectors.versions(), draft=selectors.current_draft(), **kwargs)


class CreateDraftView(CatalogOfficeMixin, View):
    permission_required = CHANGE_PERMISSION
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            draft = services.create_draft(actor=request.user)
        except CatalogError as error:
            messages.error(request, str(error))
            return redirect("catalog_office:versions")
        messages.success(request, _("已新建目录草稿第%(number)s版。") % {"number": draft.number})
        return redirect("catalog_office:version", draft.number)


class VersionDetailView(CatalogOfficeMixin, TemplateView):
    template_name = "catalog/office/version_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(selectors.items_of(self.version))
        selectors.describe_disclosure(items)
        context.update(
            categories=selectors.group_by_category(items),
            documents=selectors.documents_of(self.version),
            compared_with=selectors.previous_published(self.version),
            can_edit=self.version.is_draft and self.request.user.has_perm(CHANGE_PERMISSION),
            can_publish=self.version.is_draft and self.request.user.has_perm(PUBLISH_PERMISSION),
        )
        return context


class VersionEditView(ServiceFormView):
    form_class = VersionForm
    page_title = _("编辑草稿说明")
    success_message = _("草稿说明已保存。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.version}

    def perform(self, data: dict) -> None:
        services.update_draft(version=self.version, actor=self.request.user, **data)

    def get_success_url(self) -> str:
        return self.version_url()


class DiffView(CatalogOfficeMixin, TemplateView):
    template_name = "catalog/office/diff.html"

    def get_context_data(self, **kwargs):
        old = selectors.previous_published(self.version)
        return super().get_context_data(diff=selectors.diff_versions(old, self.version), **kwargs)


class PublishView(DraftOnlyMixin, FormView):
    permission_required = PUBLISH_PERMISSION
    template_name = "catalog/office/publish.html"
    form_class = ConfirmPublishForm

    def get_context_data(self, **kwargs):
        old = selectors.previous_published(self.version)
        return super().get_context_data(diff=selectors.diff_versions(old, self.version), **kwargs)

    def form_valid(self, form):
        try:
            version = services.publish_version(version=self.version, actor=self.request.user)
        except CatalogError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("目录第%(number)s版已发布，公开目录已更新。") % {"number": version.number})
        return redirect("catalog_office:version", version.number)


# --- Items ------------------------------------------------------------------------------------


def _item_data(data: dict) -> tuple[dict, list]:
    data = dict(data)
    return data, list(data.pop("providers", []))


class ItemCreateView(ServiceFormView):
    form_class = ItemForm
    page_title = _("新增目录事项")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": CatalogItem(version=self.version)}

    def perform(self, data: dict) -> None:
        attributes, providers = _item_data(data)
        self.created = services.add_item(
            version=self.version, actor=self.request.user, providers=providers, **attributes
        )
        self.success_message = _("已新增事项“%(name)s”，请继续添加数据项。") % {"name": self.created.name}

    def get_success_url(self) -> str:
        created = getattr(self, "created", None)
        if created:
            return reverse("catalog_office:item", args=[self.version.number, created.pk])
        return self.version_url()


class ItemDetailView(CatalogOfficeMixin, TemplateView):
    template_name = "catalog/office/item_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.describe_disclosure([self.item])
        context.update(
            fields=self.item.fields.order_by("position", "id"),
            providers=self.item.providers.order_by("code"),
            can_edit=self.version.is_draft and self.request.user.has_perm(CHANGE_PERMISSION),
        )
        return context


class ItemEditView(ServiceFormView):
    form_class = ItemForm
    page_title = _("编辑目录事项")
    success_message = _("事项已保存。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.item}

    def perform(self, data: dict) -> None:
        attributes, providers = _item_data(data)
        services.update_draft_item(item=self.item, actor=self.request.user, providers=providers, **attributes)

    def get_success_url(self) -> str:
        return self.item_url()


class ItemRemoveView(ConfirmRemoveView):
    def question(self) -> str:
        return _("确定从草稿中删除事项“%(name)s”及其全部数据项吗？") % {"name": self.item.name}

    def perform(self) -> None:
        services.remove_item(item=self.item, actor=self.request.user)

    def success_message(self) -> str:
        return _("已删除事项“%(name)s”。") % {"name": self.item.name}

    def get_cancel_url(self) -> str:
        return self.item_url()

    def get_success_url(self) -> str:
        return self.version_url()


# --- Fields -----------------------------------------------------------------------------------


class FieldMixin:
    @cached_property
    def field(self) -> CatalogField:
        return get_object_or_404(CatalogField, pk=self.kwargs["field_id"], item=self.item)

    def get_success_url(self) -> str:
        return self.item_url()


class FieldCreateView(ServiceFormView):
    form_class = FieldForm
    page_title = _("新增数据项")
    success_message = _("数据项已添加。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": CatalogField(item=self.item)}

    def perform(self, data: dict) -> None:
        services.add_field(item=self.item, actor=self.request.user, **data)

    def get_success_url(self) -> str:
        return self.item_url()


class FieldEditView(FieldMixin, ServiceFormView):
    form_class = FieldForm
    page_title = _("编辑数据项")
    success_message = _("数据项已保存。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.field}

    def perform(self, data: dict) -> None:
        services.update_field(field=self.field, actor=self.request.user, **data)


class FieldRemoveView(FieldMixin, ConfirmRemoveView):
    def question(self) -> str:
        return _("确定删除数据项“%(label)s”（%(key)s）吗？") % {"label": self.field.label, "key": self.field.key}

    def perform(self) -> None:
        services.remove_field(field=self.field, actor=self.request.user)

    def success_message(self) -> str:
        return _("已删除数据项“%(label)s”。") % {"label": self.field.label}

    def get_cancel_url(self) -> str:
        return self.item_url()


class FieldMoveView(FieldMixin, DraftOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            messages.error(request, _("无效的排序操作。"))
        else:
            try:
                services.move_field(field=self.field, direction=direction, actor=request.user)
            except CatalogError as error:
                messages.error(request, str(error))
        return redirect(f"{self.item_url()}#field-{self.field.pk}")


# --- Documents (标准与规范) -----------------------------------------------------------------------


class DocumentMixin:
    @cached_property
    def document(self) -> CatalogDocument:
        return get_object_or_404(CatalogDocument, pk=self.kwargs["document_id"], version=self.version)

    def get_success_url(self) -> str:
        return f"{self.version_url()}#documents"


class DocumentCreateView(DocumentMixin, ServiceFormView):
    form_class = DocumentForm
    page_title = _("新增标准与规范")
    success_message = _("标准与规范已添加。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": CatalogDocument(version=self.version)}

    def perform(self, data: dict) -> None:
        services.add_document(version=self.version, actor=self.request.user, **data)


class DocumentEditView(DocumentMixin, ServiceFormView):
    form_class = DocumentForm
    page_title = _("编辑标准与规范")
    success_message = _("标准与规范已保存。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.document}

    def perform(self, data: dict) -> None:
        services.update_document(document=self.document, actor=self.request.user, **data)


class DocumentRemoveView(DocumentMixin, ConfirmRemoveView):
    def question(self) -> str:
        return _("确定删除标准与规范“%(title)s”吗？") % {"title": self.document.title}

    def perform(self) -> None:
        services.remove_document(document=self.document, actor=self.request.user)

    def success_message(self) -> str:
        return _("已删除标准与规范“%(title)s”。") % {"title": self.document.title}

    def get_cancel_url(self) -> str:
        return self.get_success_url()
