"""Demo credit records in every category of Art. 8, as the departments would submit them.

Each record names its provider, the provider's own key (the decision document number, or the
subject's code for registration data), the subject and the values that differ from record to
record (by theme in `licences`, `penalties` and `honours`; their shape in `record_spec`);
`build_data` adds what every record of an item repeats (the 行政相对人 block taken
from the subject, the deciding authority and the data source with their codes), so that the
values read like a department's export. Decision dates spread over 2023-2026: some penalties
are old enough that their disclosure period has run out, some are recent.
"""

from catalog.demo.items import ITEMS_BY_CODE
from catalog.demo.providers import BY_CODE as PROVIDERS
from catalog.demo.providers import organ_uscc
from catalog.models import SubjectKind

from .honours import CERTIFICATIONS, COMMENDATIONS, RATINGS
from .individuals import INDIVIDUAL_BUSINESSES
from .licences import LICENCES, PROFESSIONAL_QUALIFICATIONS, QUALIFICATIONS
from .organisations import LEGAL_PERSONS
from .penalties import PENALTIES, WARNINGS
from .record_spec import RecordSpec, iso
from .special import COERCIONS, LISTINGS, RED_LISTINGS
from .subject_spec import PUBLIC_INSTITUTION, SOCIAL_GROUP, SOCIAL_ORGANISATIONS, OrganisationSpec, PersonSpec
from .subjects import BY_KEY as SUBJECTS

SEED_CHANNEL = "seed"
SUBJECT_CATEGORY = {
    SubjectKind.LEGAL_PERSON.value: "法人及非法人组织",
    SubjectKind.INDIVIDUAL_BUSINESS.value: "个体工商户",
    SubjectKind.NATURAL_PERSON.value: "自然人",
}


# --- Registration (登记类) ----------------------------------------------------------------------


def _registration(spec: OrganisationSpec) -> RecordSpec:
    data = {
        "entity_type": spec.organisation_type,
        "legal_representative": spec.legal_representative,
        "established_on": iso(spec.established),
        "decision_date": iso(spec.established),
        "address": spec.address,
        "business_scope": spec.scope,
        "registration_status": spec.status,
        "authority": spec.registration_authority,
    }
    if spec.capital:
        data["registered_capital"] = spec.capital
    return RecordSpec("business_registration", "xzspj", spec.identifier, spec.key, data)


def _social_registration(spec: OrganisationSpec) -> RecordSpec:
    kind = "社会团体" if spec.kind_code == SOCIAL_GROUP else "民办非企业单位"
    data = {
        "organisation_kind": kind,
        "legal_representative": spec.legal_representative,
        "supervising_unit": "南通市民政局" if kind == "民办非企业单位" else "南通市发展和改革委员会",
        "registered_capital": spec.capital,
        "decision_date": iso(spec.established),
        "address": spec.address,
        "business_scope": spec.scope,
        "registration_status": "正常",
        "authority": spec.registration_authority,
    }
    return RecordSpec("social_org_registration", "mzj", spec.identifier, spec.key, data)


def registration_records() -> list[RecordSpec]:
    records = []
    for spec in [*LEGAL_PERSONS, *INDIVIDUAL_BUSINESSES]:
        if spec.kind_code in SOCIAL_ORGANISATIONS:
            records.append(_social_registration(spec))
        elif spec.kind_code != PUBLIC_INSTITUTION:
            records.append(_registration(spec))
    return records


def all_records() -> list[RecordSpec]:
    return [
        *registration_records(),
        *LICENCES,
        *QUALIFICATIONS,
        *PROFESSIONAL_QUALIFICATIONS,
        *CERTIFICATIONS,
        *PENALTIES,
        *COERCIONS,
        *LISTINGS,
        *WARNINGS,
        *COMMENDATIONS,
        *RED_LISTINGS,
        *RATINGS,
    ]


# --- What every record of an item repeats -------------------------------------------------------


def build_data(spec: RecordSpec) -> dict:
    """The record's full field values: the repeated blocks first, the record's own values over them."""
    keys = {f.key for f in ITEMS_BY_CODE[spec.item].fields}
    subject = SUBJECTS[spec.subject]
    provider = PROVIDERS[spec.provider]
    values = {**_subject_block(subject), "authority": provider.name, "source_unit": provider.name}
    values.update(spec.data)
    values["authority_uscc"] = organ_uscc(values["authority"])
    values["source_unit_uscc"] = provider.uscc
    return {key: value for key, value in values.items() if key in keys and value not in ("", None)}


def _subject_block(subject: OrganisationSpec | PersonSpec) -> dict:
    block = {"subject_name": subject.name, "subject_category": SUBJECT_CATEGORY[subject.kind]}
    if isinstance(subject, PersonSpec):
        return {**block, "person_name": subject.name, "id_type": "身份证", "id_number": subject.identifier}
    return {**block, "uscc": subject.identifier, "legal_representative": subject.legal_representative}


def subject_payload(spec: OrganisationSpec | PersonSpec) -> dict:
    """The subject as a provider names it in a submission (SPEC §6 `subject`)."""
    return {"kind": spec.kind, "name": spec.name, "identifier": spec.identifier}


def registration_details(spec: OrganisationSpec | PersonSpec) -> dict:
    """The registration data a subject is created with (find_or_create_subject's extra fields)."""
    if isinstance(spec, PersonSpec):
        return {"district": spec.district, "address": spec.address}
    return {
        "legal_representative": spec.legal_representative,
        "organisation_type": spec.organisation_type,
        "district": spec.district,
        "address": spec.address,
        "registration_authority": spec.registration_authority,
        "established_on": spec.established,
        "registration_status": spec.status,
    }
