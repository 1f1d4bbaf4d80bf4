"""Domain errors of the catalog. Each carries a Chinese message fit to show to the user."""

from django.utils.translation import gettext_lazy as _


class CatalogError(Exception):
    """A catalog operation that the current state does not allow."""

    default_message = _("目录操作无法完成。")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class CatalogLocked(CatalogError):
    """The version is published (or otherwise not a draft); a published catalog never changes."""

    default_message = _("已发布的目录版本不可修改，如需调整请新建草稿。")


class DraftExists(CatalogError):
    default_message = _("已有一个目录草稿，请先编辑或发布该草稿。")


class NotPublishable(CatalogError):
    default_message = _("该目录版本不能发布。")


class DisclosureError(CatalogError):
    """The disclosure period of a record cannot be computed from the rule and the data; `field`
    names the record field at fault, when one is."""

    default_message = _("无法计算公示期限。")

    def __init__(self, message=None, *, field: str | None = None):
        super().__init__(message)
        self.field = field
