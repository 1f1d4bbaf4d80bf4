"""Credit commitments (信用承诺): recorded once, shown on the subject's public page (Art. 12),
and made by every applicant for credit repair."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event

from .models import CreditCommitment


class CommitmentInvalid(ValueError):
    pass


@transaction.atomic
def record_commitment(
    *, subject, kind: str, matter: str, text: str, made_on: dt.date, actor, recipient: str = "", is_public: bool = True
) -> CreditCommitment:
    if kind not in CreditCommitment.Kind.values:
        raise CommitmentInvalid(_("未知的承诺类型"))
    if not matter.strip() or not text.strip():
        raise CommitmentInvalid(_("请填写承诺事项和承诺内容"))
    commitment = CreditCommitment.objects.create(
        subject=subject,
        kind=kind,
        matter=matter.strip(),
        text=text.strip(),
        made_on=made_on,
        recipient=recipient.strip(),
        is_public=is_public,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        action="commitment.record",
        actor=actor,
        obj=commitment,
        summary=_("登记信用承诺：%(matter)s") % {"matter": commitment.matter},
        after={"subject": subject.pk, "kind": kind, "matter": commitment.matter, "made_on": made_on},
    )
    return commitment


def public_commitments(subject):
    return CreditCommitment.objects.filter(subject=subject, is_public=True).order_by("-made_on", "-id")
