"""State changes of the 领域 (fields of administration) that special credit reports are ordered
for (信用代证, 发改财金〔2025〕565号; 苏政办规〔2025〕5号). Kept by the commission (catalog_admin);
one function per change, validated by the model's `full_clean()`, audited in its transaction.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from audit.services import record_event

from .models import CreditDomain, Provider

DOMAIN_ATTRIBUTES = frozenset({"code", "name", "description", "item_codes", "position", "is_active"})


def create_domain(*, actor, providers: Iterable[Provider], **attributes: Any) -> CreditDomain:
    _check_attributes(attributes)
    with transaction.atomic():
        domain = CreditDomain(**attributes)
        domain.full_clean()
        domain.save()
        domain.providers.set(list(providers))
        record_event(
            action="catalog.domain_created",
            actor=actor,
            obj=domain,
            summary=_("新增信用代证领域“%(name)s”") % {"name": domain.name},
            after=domain_snapshot(domain),
        )
    return domain


def update_domain(
    *, domain: CreditDomain, actor, providers: Iterable[Provider] | None = None, **changes: Any
) -> CreditDomain:
    _check_attributes(changes)
    with transaction.atomic():
        current = CreditDomain.objects.select_for_update().get(pk=domain.pk)
        before = domain_snapshot(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        if providers is not None:
            current.providers.set(list(providers))
        after = domain_snapshot(current)
        if before == after:
            return current
        record_event(
            action="catalog.domain_changed",
            actor=actor,
            obj=current,
            summary=_("修改信用代证领域“%(name)s”") % {"name": current.name},
            before={key: value for key, value in before.items() if after.get(key) != value},
            after={key: value for key, value in after.items() if before.get(key) != value},
        )
    return current


def domain_snapshot(domain: CreditDomain) -> dict[str, Any]:
    data = model_to_dict(domain, exclude=["id", "providers"])
    data["providers"] = sorted(domain.providers.values_list("code", flat=True)) if domain.pk else []
    return data


def _check_attributes(given: dict[str, Any]) -> None:
    unknown = set(given) - DOMAIN_ATTRIBUTES
    if unknown:
        raise TypeError(f"unknown attributes: {', '.join(sorted(unknown))}")
