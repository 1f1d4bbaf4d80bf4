"""Each call of the agency API is a query the subject sees in "who looked at me" (Art. 11),
under the agency's name; one that read authorized data is also chained on the audit trail, as
an authorized query on the portal is."""

from django.db import transaction

from audit.services import record_event

from ..models import QueryLog
from ..querylog import log_query
from .models import AgencyApiKey
from .selectors import AgencyDisclosure


def actor_label(key: AgencyApiKey) -> str:
    return f"agency:{key.agency.uscc}/{key.prefix}#{key.pk}"


def record_agency_call(*, key: AgencyApiKey, disclosure: AgencyDisclosure) -> QueryLog:
    authorization = disclosure.authorization
    with transaction.atomic():
        entry = log_query(
            kind=QueryLog.Kind.API,
            subject=disclosure.subject,
            authorization=authorization,
            purpose=authorization.purpose if authorization else "",
            terms=disclosure.subject.code,
            agency=key.agency,
            api_key=key,
            label=actor_label(key),
        )
        if authorization is not None:
            record_event(
                action="authorization.query",
                actor=actor_label(key),
                obj=authorization,
                summary=f"信用服务机构 {key.agency.name} 经接口依授权查询 {disclosure.subject.name}",
                after={
                    "subject": disclosure.subject.identifier_masked,
                    "categories": list(authorization.categories),
                    "purpose": authorization.purpose,
                    "key": key.prefix,
                },
            )
    return entry
