"""Object-level rules of a provider's record pages: staff see and change only their providers'
records, and submit only for catalog items their provider is responsible for (SPEC §1)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from catalog.models import CatalogItem, Provider
from catalog.selectors import providers_of

from ..models import CreditRecord


class NoProvider(PermissionDenied):
    """The account belongs to no active provider, so it has nothing to submit or see here."""


def staff_providers(user) -> list[Provider]:
    """The active providers the user works for; `NoProvider` (403) when there are none, so that
    e.g. a catalog admin who may view records in general gets a clear refusal, not empty pages."""
    providers = list(providers_of(user))
    if not providers:
        raise NoProvider(_("您的账号未关联任何信息提供单位"))
    return providers


def providers_for_item(user, item: CatalogItem) -> list[Provider]:
    """The user's providers that the catalog names as responsible for `item`. Items are public
    (the catalog is published), so refusing one says nothing secret: 403, not 404."""
    providers = staff_providers(user)
    responsible = [p for p in providers if p.pk in item.provider_ids]
    if not responsible:
        raise PermissionDenied(_("本单位不是目录事项“%(item)s”的责任单位") % {"item": item.name})
    return responsible


def records_visible_to(user) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(provider__in=providers_of(user))


def get_record_for_staff(user, pk: int) -> CreditRecord:
    """A record of one of the user's providers; 404 to everyone else, so that staff of another
    provider cannot even learn that the record exists."""
    record = records_visible_to(user).select_related("subject", "provider", "catalog_item").filter(pk=pk).first()
    if record is None:
        raise Http404("no such record for this user")
    return record
