"""Writing the query log (Art. 11: every query is logged with who asked, when and why)."""

from audit.context import current_ip
from audit.services import normalised_ip

from .models import QueryLog


def log_query(
    *,
    kind: str,
    actor=None,
    subject=None,
    authorization=None,
    purpose: str = "",
    terms: str = "",
    agency=None,
    api_key=None,
    label: str = "",
) -> QueryLog:
    """One row per query. `terms` must never hold personal data: callers pass a company name or
    code, never a natural person's ID number. A call of the agency API names its agency and key
    (and `label`) instead of a user."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return QueryLog.objects.create(
        kind=kind,
        actor=user,
        actor_label=(user.get_username() if user else label or "anonymous")[:150],
        agency=agency,
        api_key=api_key,
        subject=subject,
        authorization=authorization,
        purpose=purpose[:300],
        terms=terms[:100],
        ip_address=normalised_ip(current_ip.get()),
    )
