"""The rows of the benchmark data (`bench/generate_bench_data.py`): subjects with valid codes
and realistic names, credit records filling their catalog item's fields, revisions, marks and
commitments. Everything random comes from one seeded `random.Random`: same seed, same data."""

import datetime as dt
import json
import random
from dataclasses import dataclass

from django.utils import timezone
from stdnum.cn import ric, uscc

from bench.bench_data_copy import JsonData, Writer, content_hash
from bench.bench_data_names import (
    BRAND_CHARS,
    DECISION_FROM,
    DECISION_TO,
    DISTRICT_WEIGHTS,
    DIVISIONS,
    FORMS,
    GIVEN,
    HOLES,
    ITEM_WEIGHTS,
    MONTH,
    ORG_TYPES,
    PENALTY_MONTHS,
    ROADS,
    SEVERITIES,
    SEVERITY_LABELS,
    SEVERITY_WEIGHTS,
    SHOP_TRADES,
    STATUSES,
    SURNAMES,
    TOWNS,
    TRADES,
    USCC_ALPHABET,
    YEAR,
)
from catalog.models import CatalogItem, FieldType, Openness, SubjectKind
from collection.identifiers import mask_identifier
from collection.models import Annotation, CreditRecord, RecordRevision, Subject
from collection.personal_data import encrypt_identifier, identifier_hash
from inquiry.models import CreditCommitment

CHUNK = 50_000


@dataclass
class SubjectRow:
    id: int
    kind: str
    name: str
    code: str | None
    legal_representative: str


class Generator:
    """Makes the rows. Everything random comes from one seeded `random.Random`."""

    def __init__(self, rng: random.Random, items: list[CatalogItem], *, with_revisions: bool):
        self.rng = rng
        self.items = items
        self.with_revisions = with_revisions
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.brand_weights = [1 / (rank + 8) for rank in range(len(BRAND_CHARS))]
        self.registered = 0  # organisations get their registration record one after another
        self._templates: dict[str, list] = {}

    # --- Subjects ---------------------------------------------------------------------------

    def write_subjects(self, writer: Writer, count: int) -> list[SubjectRow]:
        base = writer.next_id(Subject)
        rows, subjects = [], []
        for offset in range(count):
            subject_id = base + offset
            row = self.subject(subject_id)
            rows.append(row)
            subjects.append(SubjectRow(subject_id, row["kind"], row["name"], row["code"], row["legal_representative"]))
            if len(rows) == CHUNK:
                writer.write(Subject, rows)
                rows = []
        writer.write(Subject, rows)
        writer.bump_sequence(Subject, base + count - 1)
        writer.log(f"subjects: {count}")
        return subjects

    def subject(self, subject_id: int) -> dict:
        roll = self.rng.random()
        district = self.rng.choices(list(DIVISIONS), DISTRICT_WEIGHTS)[0]
        if roll < 0.7:
            kind, name, code = (
                SubjectKind.LEGAL_PERSON,
                self.company_name(district),
                self.uscc("91", district, subject_id),
            )
        elif roll < 0.9:
            kind, name, code = (
                SubjectKind.INDIVIDUAL_BUSINESS,
                self.shop_name(district),
                self.uscc("92", district, subject_id),
            )
        else:
            return self.person(subject_id, district)
        established = self.day(dt.date(1995, 1, 1), dt.date(2026, 6, 30))
        return {
            "id": subject_id,
            "kind": kind.value,
            "name": name,
            "code": code,
            "identifier_hash": identifier_hash("uscc", code),
            "identifier_encrypted": "",
            "identifier_masked": code,
            "identifier_flag": "",
            "legal_representative": self.person_name(),
            "organisation_type": "个体工商户"
            if kind == SubjectKind.INDIVIDUAL_BUSINESS
            else self.rng.choice(ORG_TYPES),
            "district": district,
            "address": self.address(district),
            "registration_authority": f"南通市{district}行政审批局"
            if district.endswith("区")
            else f"{district}行政审批局",
            "established_on": established,
            "registration_status": self.weighted(STATUSES),
            "created_at": self.now,
            "updated_at": self.now,
        }

    def person(self, subject_id: int, district: str) -> dict:
        number = self.ric(subject_id, district)
        return {
            "id": subject_id,
            "kind": SubjectKind.NATURAL_PERSON.value,
            "name": self.person_name(),
            "code": None,
            "identifier_hash": identifier_hash("ric", number),
            "identifier_encrypted": encrypt_identifier(number),
            "identifier_masked": mask_identifier(number),
            "identifier_flag": "",
            "legal_representative": "",
            "organisation_type": "",
            "district": district,
            "address": self.address(district),
            "registration_authority": "",
            "established_on": None,
            "registration_status": "",
            "created_at": self.now,
            "updated_at": self.now,
        }

    def company_name(self, district: str) -> str:
        brand = "".join(self.rng.choices(BRAND_CHARS, self.brand_weights, k=2))
        place = self.rng.choices(
            ["南通", "南通市", "江苏", district[:2], f"南通{district}", ""], [45, 10, 10, 20, 5, 10]
        )[0]
        form = self.weighted(FORMS)
        if form in ("专业合作社", "行业协会", "服务中心"):
            return f"{place or '南通'}{self.rng.choice(TOWNS[district])}{brand}{form}"
        return f"{place}{brand}{self.rng.choice(TRADES)}{form}"

    def shop_name(self, district: str) -> str:
        town = self.rng.choice(TOWNS[district])
        owner = self.rng.choice(
            [self.rng.choice(SURNAMES) + "记", self.person_name(), "".join(self.rng.choices(BRAND_CHARS, k=2))]
        )
        return f"{district}{town}镇{owner}{self.rng.choice(SHOP_TRADES)}"

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2, 2))))

    def address(self, district: str) -> str:
        return f"南通市{district}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号"

    def uscc(self, prefix: str, district: str, serial: int) -> str:
        # "MAB" + the serial in base 31: unique per subject, never equal to seed_demo's MA1/MA2 codes.
        digits = []
        for _ in range(6):
            serial, remainder = divmod(serial, 31)
            digits.append(USCC_ALPHABET[remainder])
        body = f"{prefix}{DIVISIONS[district]}MAB{''.join(reversed(digits))}"
        return body + uscc.calc_check_digit(body)

    def ric(self, serial: int, district: str) -> str:
        # Born 1992-2005 in a county that already existed then, so that every number validates;
        # (birth date, sequence) follow the serial, so numbers never repeat.
        born = dt.date(1992, 1, 1) + dt.timedelta(days=serial // 1000 % 5000)
        division = {"崇川区": "320602", "如东县": "320623", "启东市": "320681"}.get(district, "320682")
        body = f"{division}{born:%Y%m%d}{serial % 1000:03d}"
        return body + ric.calc_check_digit(body + "0")

    # --- Records ----------------------------------------------------------------------------

    def write_records(self, writer: Writer, subjects: list[SubjectRow], count: int) -> None:
        by_kind = {kind: [s for s in subjects if s.kind == kind] for kind in SubjectKind.values}
        items = [item for item in self.items if any(by_kind[kind] for kind in item.subject_kinds)]
        weights = [ITEM_WEIGHTS[item.code] for item in items]
        base = writer.next_id(CreditRecord)
        batch = {CreditRecord: [], RecordRevision: [], Annotation: [], CreditCommitment: []}
        for offset in range(count):
            item = self.rng.choices(items, weights)[0]
            subject = self.subject_for(item, by_kind)
            record = self.record(base + offset, item, subject)
            batch[CreditRecord].append(record)
            if self.with_revisions:
                batch[RecordRevision].append(self.revision(record))
            batch[Annotation].extend(self.marks(record))
            if offset % 100 == 0 and subject.code:
                batch[CreditCommitment].append(self.commitment(subject))
            if len(batch[CreditRecord]) == CHUNK:
                self.flush(writer, batch)
                writer.log(f"records: {offset + 1}")
        self.flush(writer, batch)
        if count:
            writer.bump_sequence(CreditRecord, base + count - 1)

    def subject_for(self, item: CatalogItem, by_kind: dict[str, list[SubjectRow]]) -> SubjectRow:
        kinds = [kind for kind in item.subject_kinds if by_kind[kind]]
        candidates = by_kind[self.rng.choice(kinds)]
        if item.category == "registration":
            self.registered += 1
            return candidates[self.registered % len(candidates)]
        return self.rng.choice(candidates)

    def flush(self, writer: Writer, batch: dict) -> None:
        for model, rows in batch.items():
            writer.write(model, rows)
            rows.clear()

    def record(self, record_id: int, item: CatalogItem, subject: SubjectRow) -> dict:
        decided = self.day(DECISION_FROM, DECISION_TO)
        severity, ends, repairable = self.disclosure(item, decided)
        data = self.data(item, subject, decided, severity)
        roll = self.rng.random()
        status = "revoked" if roll < 0.01 else "corrected" if roll < 0.03 else "active"
        if status != "revoked" and ends is not None and ends < self.today:
            status = "expired"  # as the expiry sweep leaves it
        received = timezone.make_aware(
            dt.datetime.combine(decided + dt.timedelta(days=self.rng.randint(1, 9)), dt.time(10))
        )
        return {
            "id": record_id,
            "subject_id": subject.id,
            "provider_id": self.rng.choice(self.providers(item)).pk,
            "item_code": item.code,
            "catalog_item_id": item.pk,
            "source_key": f"BENCH-{item.code}-{record_id}",
            "category": item.category,
            "is_public": item.openness == Openness.PUBLIC,
            "is_dishonesty": item.is_dishonesty,
            "severity": severity,
            "status": status,
            "decision_date": decided,
            "disclosure_ends_on": ends,
            "repairable_from": repairable,
            "publication_withheld": severity == "light",
            "data": data,
            "content_hash": content_hash(f"bench:{subject.id}", data.text),
            "revision": 1,
            "channel": self.rng.choice(["api", "api", "file", "form"]),
            "self_declared": False,
            "received_at": received,
            "due_on": None,
            "is_late": False,
            "repaired_at": None,
            "suspended_since": self.now if roll > 0.998 else None,
            "created_at": received,
            "updated_at": received,
        }

    def providers(self, item: CatalogItem) -> list:
        cached = getattr(item, "_bench_providers", None)
        if cached is None:
            cached = item._bench_providers = list(item.providers.all())
        return cached

    def disclosure(self, item: CatalogItem, decided: dt.date) -> tuple[str, dt.date | None, dt.date | None]:
        """Roughly the seeded rules: penalties by severity (3 months, 1 year, 3 years; repair after
        the minimum), ratings and commendations for their validity, registration long term."""
        if item.code == "admin_penalty":
            severity = self.rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
            months, repair_after = PENALTY_MONTHS[severity]
            if severity == "light":  # 轻微: withheld (SPEC §2), nothing to repair
                return severity, decided + MONTH * months, None
            return severity, decided + MONTH * months, decided + MONTH * repair_after + dt.timedelta(days=1)
        if item.code == "warning_record":
            return "general", decided + YEAR * 3, decided + YEAR
        if item.code in ("commendation", "social_rating", "tax_credit_rating", "bank_credit_rating"):
            return "", decided + YEAR * 2, None
        return "", None, None

    def data(self, item: CatalogItem, subject: SubjectRow, decided: dt.date, severity: str) -> JsonData:
        """The record's field values: one of the item's prepared variants, with this record's
        subject and dates put in (building each record's JSON from scratch is the slow part)."""
        template, holes = self.rng.choice(self.templates(item))
        values = {
            HOLES["name"]: subject.name,
            HOLES["code"]: subject.code or "",
            HOLES["rep"]: subject.legal_representative,
            HOLES["date"]: decided.isoformat(),
            HOLES["severity"]: SEVERITY_LABELS.get(severity, ""),
            HOLES["until"]: (decided + YEAR * self.rng.choice((1, 3, 5))).isoformat(),
        }
        for hole in holes:
            template = template.replace(hole, values[hole])
        return JsonData(template)

    def templates(self, item: CatalogItem) -> list[tuple[str, list[str]]]:
        cached = self._templates.get(item.code)
        if cached is None:
            cached = self._templates[item.code] = [self.template(item) for _ in range(64)]
        return cached

    def template(self, item: CatalogItem) -> tuple[str, list[str]]:
        values = {}
        for field in item.fields.all():
            value = self.value(field)
            if value not in (None, ""):
                values[field.key] = value
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
        return text, [hole for hole in HOLES.values() if hole in text]

    def value(self, field):
        key, kind = field.key, field.type
        if key in ("subject_name", "person_name"):
            return HOLES["name"]
        if key == "uscc":
            return HOLES["code"]
        if key == "legal_representative":
            return HOLES["rep"]
        if key == "severity":
            return HOLES["severity"]
        if key in ("valid_until", "disclosure_until"):
            return HOLES["until"]
        if kind == FieldType.DATE:
            return HOLES["date"]
        if kind == FieldType.CHOICE:
            choices = list(field.choices or [])
            if not choices:
                return ""
            return [self.rng.choice(choices)] if field.multiple else self.rng.choice(choices)
        if kind == FieldType.DECIMAL:
            return f"{self.rng.randint(1, 500) / 10:.1f}"
        if kind == FieldType.INTEGER:
            return self.rng.randint(2019, 2026) if "year" in key else self.rng.randint(1, 50)
        if kind == FieldType.BOOLEAN:
            return self.rng.random() < 0.3
        if kind == FieldType.IDENTIFIER:
            return "" if not field.is_public else "11320600014170101K"
        if field.required or self.rng.random() < 0.6:
            return f"{field.label}{self.rng.randint(100, 9999)}"[: field.max_length or 200]
        return ""

    def revision(self, record: dict) -> dict:
        return {
            "record_id": record["id"],
            "number": 1,
            "status": record["status"],
            "decision_date": record["decision_date"],
            "data": record["data"],
            "content_hash": record["content_hash"],
            "channel": record["channel"],
            "reason": "",
            "created_at": record["received_at"],
            "created_by_id": None,
        }

    def marks(self, record: dict) -> list[dict]:
        if not record["is_dishonesty"] or record["id"] % 50:
            return []
        objected = record["received_at"] + dt.timedelta(days=20)
        marks = [
            {
                "record_id": record["id"],
                "kind": "objector_statement",
                "is_active": True,
                "created_at": objected,
                "ended_at": None,
                "text": "本单位已按要求整改完毕，对处罚认定的违法事实仍有异议，特此声明。",
            }
        ]
        if record["id"] % 200 == 0:
            marks.append(
                {
                    "record_id": record["id"],
                    "kind": "under_objection",
                    "is_active": True,
                    "text": "",
                    "created_at": self.now,
                    "ended_at": None,
                }
            )
        return marks

    def commitment(self, subject: SubjectRow) -> dict:
        return {
            "subject_id": subject.id,
            "kind": "approval",
            "matter": "食品经营许可告知承诺",
            "text": "本单位承诺所提交材料真实有效，遵守相关法律法规，如有违反，愿意承担相应法律责任并接受信用惩戒。",
            "made_on": self.day(dt.date(2023, 1, 1), dt.date(2026, 10, 31)),
            "recipient": "南通市行政审批局",
            "is_public": True,
            "recorded_by_id": None,
            "recorded_at": self.now,
        }

    # --- Helpers ----------------------------------------------------------------------------

    def day(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def weighted(self, pairs) -> str:
        return self.rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]
