"""`python manage.py generate_bench_data --subjects N --records M`: realistic subjects and credit
records in bulk, for the search and subject-page benchmarks (`bench/bench_inquiry.py`).

Subjects: 70 % companies and other organisations, 20 % 个体工商户, 10 % natural persons, with
valid 统一社会信用代码 and 公民身份号码 (check characters from python-stdnum), names built the way
Nantong's are (a place, a two-character 字号, a trade, a legal form), spread over the districts.
Records: every item of the published catalog in realistic proportions, with the item's fields
filled by type, decision dates over 2019-2026 (so that many penalties have expired), a few
corrected, revoked and suspended records, objections and statements on some penalties, and
public credit commitments for some companies.

On PostgreSQL the rows go in by `COPY`, with the secondary indexes dropped during the load and
rebuilt after it (faster than maintaining them row by row), all in one transaction, then
`ANALYZE`. SQLite gets `bulk_create` (for tests and small demos). Rows are written straight to
the tables: no audit events, no validation pipeline — the data is generated valid.
"""

import datetime as dt
import hashlib
import io
import json
import random
import time
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from catalog.models import CatalogItem, FieldType, Openness, SubjectKind
from catalog.selectors import published_version
from collection.identifiers import mask_identifier
from collection.models import Annotation, CreditRecord, RecordRevision, Subject
from collection.personal_data import encrypt_identifier, identifier_hash
from inquiry.models import CreditCommitment

CHUNK = 50_000
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIVISIONS = {
    "崇川区": "320602",
    "通州区": "320612",
    "海门区": "320614",
    "如东县": "320623",
    "启东市": "320681",
    "如皋市": "320682",
    "海安市": "320685",
    "南通经济技术开发区": "320691",
}
DISTRICT_WEIGHTS = [26, 16, 13, 9, 10, 12, 9, 5]
TOWNS = {
    "崇川区": ["和平桥", "任港", "观音山", "狼山", "唐闸", "天生港", "钟秀", "虹桥", "新城桥", "幸福"],
    "通州区": ["金沙", "西亭", "二甲", "石港", "刘桥", "平潮", "兴仁", "川姜", "先锋", "五接"],
    "海门区": ["三星", "三厂", "常乐", "悦来", "临江", "四甲", "余东", "正余", "包场", "海永"],
    "如东县": ["掘港", "马塘", "栟茶", "洋口", "丰利", "曹埠", "岔河", "双甸", "大豫", "长沙"],
    "启东市": ["汇龙", "吕四港", "南阳", "北新", "王鲍", "合作", "海复", "近海", "寅阳", "惠萍"],
    "如皋市": ["如城", "白蒲", "林梓", "下原", "九华", "石庄", "长江", "吴窑", "江安", "磨头"],
    "海安市": ["城东", "墩头", "雅周", "李堡", "角斜", "白甸", "南莫", "大公", "曲塘", "孙庄"],
    "南通经济技术开发区": ["中兴", "新开", "竹行", "小海", "能达", "富民港", "星湖", "通盛", "东方", "江海"],
}
# 字号 characters, most common first (their frequency falls off as in real registers).
BRAND_CHARS = (
    "华通海达恒盛鑫宏泰兴源金信诚汇德瑞富嘉安永明丰正天宇新联合和顺祥隆利发昌腾飞龙远强建中东江南北"
    "星光辉科创智博精益康美佳乐欣悦晟昊宸睿铭鼎峰浩润泽洋博晖耀煌锦绣鸿运亨通广茂森林晶亮杰俊豪"
    "凯旋越卓雅欧亚环宝骏驰骐骋麒麟凤凰云霞月阳春秋冬夏振邦国民众志远航凌霄万方圆融贯百千吉祥如意"
    "平稳固坚韧勤俭朴实纯真善诺承启迪才艺术文化体育宏图伟业新创盈享誉奥特斯达尔普朗迈赛维思"
)
TRADES = [
    "建筑工程",
    "建设工程",
    "装饰工程",
    "市政工程",
    "钢结构工程",
    "纺织科技",
    "家纺用品",
    "纺织品",
    "服饰",
    "印染",
    "机械制造",
    "机电设备",
    "船舶重工",
    "船舶配件",
    "海洋工程",
    "化工",
    "新材料",
    "电子科技",
    "信息技术",
    "软件科技",
    "网络科技",
    "物流",
    "供应链管理",
    "国际贸易",
    "商贸",
    "贸易",
    "餐饮管理",
    "食品",
    "农业发展",
    "水产",
    "生物科技",
    "医药",
    "医疗器械",
    "环保科技",
    "新能源科技",
    "电力工程",
    "房地产开发",
    "物业管理",
    "置业",
    "人力资源",
    "企业管理咨询",
    "广告传媒",
    "文化传播",
    "教育科技",
    "旅游发展",
    "汽车销售服务",
    "汽车零部件",
    "五金制品",
    "塑料制品",
    "包装材料",
    "家具",
    "灯饰",
]
FORMS = [
    ("有限公司", 70),
    ("有限责任公司", 8),
    ("股份有限公司", 7),
    ("集团有限公司", 4),
    ("科技有限公司", 6),
    ("专业合作社", 3),
    ("行业协会", 1),
    ("服务中心", 1),
]
SHOP_TRADES = [
    "小吃店",
    "饭店",
    "面馆",
    "烧烤店",
    "超市",
    "便利店",
    "五金店",
    "服装店",
    "家纺店",
    "水果店",
    "理发店",
    "美容美发店",
    "维修部",
    "电动车行",
    "建材商行",
    "日用品商行",
    "茶叶店",
    "烟酒店",
    "药店",
    "副食品店",
    "早餐店",
    "干洗店",
    "打印部",
    "手机店",
    "花店",
    "眼镜店",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国海燕志强红梅晓东玉兰文斌丹萍健鹏飞宇浩然子涵欣怡雨轩梓萱一诺俊杰"
ROADS = [
    "人民路",
    "工农路",
    "青年路",
    "南大街",
    "濠河路",
    "崇川路",
    "世纪大道",
    "通富路",
    "星湖大道",
    "长江路",
    "新华路",
    "建设路",
    "解放路",
    "园林路",
    "江海大道",
    "通京大道",
    "永兴大道",
    "钟秀路",
    "城港路",
    "虹桥路",
]
STATUSES = [("存续（在营、开业、在册）", 88), ("注销", 6), ("吊销", 3), ("停业", 2), ("迁出", 1)]
ORG_TYPES = [
    "有限责任公司（自然人投资或控股）",
    "有限责任公司（自然人独资）",
    "股份有限公司（非上市、自然人投资或控股）",
    "有限责任公司（非自然人投资或控股的法人独资）",
    "农民专业合作社",
    "社会团体",
]
# Share of records per catalog item; items absent from the published catalog are skipped.
ITEM_WEIGHTS = {
    "business_registration": 17,
    "admin_license": 30,
    "admin_penalty": 20,
    "enterprise_qualification": 6,
    "certification_trademark": 4,
    "professional_qualification": 3,
    "commendation": 6,
    "social_rating": 2,
    "tax_credit_rating": 9,
    "bank_credit_rating": 2,
    "warning_record": 1,
}
DECISION_FROM, DECISION_TO = dt.date(2019, 1, 1), dt.date(2026, 10, 31)
SEVERITY_LABELS = {"light": "轻微", "general": "一般", "serious": "严重"}
SEVERITIES, SEVERITY_WEIGHTS = ["light", "general", "serious"], [20, 65, 15]
PENALTY_MONTHS = {"light": (3, 0), "general": (12, 3), "serious": (36, 12)}  # disclosure, repair after
# Calendar months and years, near enough for generated data (dateutil would be exact, and slow).
MONTH, YEAR = dt.timedelta(days=30), dt.timedelta(days=365)
# Placeholders in prepared record data, replaced by each record's own values.
HOLES = {name: f"\ue000{name}\ue000" for name in ("name", "code", "rep", "date", "until", "severity")}


@dataclass
class SubjectRow:
    id: int
    kind: str
    name: str
    code: str | None
    legal_representative: str


class Command(BaseCommand):
    help = "Generate realistic subjects and credit records in bulk (COPY on PostgreSQL) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--subjects", type=int, required=True, help="number of subjects to add")
        parser.add_argument("--records", type=int, required=True, help="number of credit records to add")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument(
            "--no-revisions",
            action="store_true",
            help="skip the first revision of each record (half the rows; pages never read them)",
        )

    def handle(self, *args, subjects: int, records: int, seed: int, no_revisions: bool, **options):
        if subjects < 1 or records < 0:
            raise CommandError("--subjects must be at least 1 and --records not negative")
        version = published_version()
        if version is None:
            raise CommandError("No published catalog: run `python manage.py seed_demo` first.")
        items = [item for item in version.items.prefetch_related("fields", "providers") if item.code in ITEM_WEIGHTS]
        if not items:
            raise CommandError("The published catalog has none of the items this command knows.")
        started = time.monotonic()
        generator = Generator(random.Random(seed), items, with_revisions=not no_revisions)
        with transaction.atomic():
            writer = Writer(self.stdout)
            writer.prepare()
            people = generator.write_subjects(writer, subjects)
            generator.write_records(writer, people, records)
            writer.finish()
        writer.vacuum()
        self.stdout.write(f"{subjects} subjects and {records} records in {time.monotonic() - started:.0f} s")


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

    def write_subjects(self, writer: "Writer", count: int) -> list[SubjectRow]:
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

    def write_records(self, writer: "Writer", subjects: list[SubjectRow], count: int) -> None:
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

    def flush(self, writer: "Writer", batch: dict) -> None:
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

    def data(self, item: CatalogItem, subject: SubjectRow, decided: dt.date, severity: str) -> "JsonData":
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


class Writer:
    """Puts rows into tables: COPY on PostgreSQL, bulk_create elsewhere."""

    MODELS = (Subject, CreditRecord, RecordRevision, Annotation, CreditCommitment)

    def __init__(self, stdout) -> None:
        self.stdout = stdout
        self.postgres = connection.vendor == "postgresql"
        self.dropped: list[str] = []

    def log(self, text: str) -> None:
        self.stdout.write(text)

    def prepare(self) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            # Check each foreign key as its row arrives rather than queueing millions of checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            tables = [model._meta.db_table for model in self.MODELS]
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary",
                [tables],
            )
            indexes = cursor.fetchall()
            # A raised statistics target of an index column (`inquiry.0005`) goes with the index.
            cursor.execute(
                "SELECT a.attrelid::regclass::text, a.attnum, a.attstattarget FROM pg_attribute a "
                "JOIN pg_index i ON i.indexrelid = a.attrelid "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND a.attstattarget > 0",
                [tables],
            )
            targets = cursor.fetchall()
            for name, definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
                self.dropped.append(definition)
            self.dropped += [
                f"ALTER INDEX {name} ALTER COLUMN {column} SET STATISTICS {target}" for name, column, target in targets
            ]
            cursor.execute("LOCK TABLE " + ", ".join(tables) + " IN SHARE ROW EXCLUSIVE MODE")
        self.log(f"dropped {len(indexes)} secondary indexes for the load")

    def finish(self) -> None:
        if not self.postgres:
            return
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in self.dropped:
                cursor.execute(statement)
            for model in self.MODELS:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        rebuilt = sum(statement.startswith("CREATE") for statement in self.dropped)
        self.log(f"rebuilt {rebuilt} indexes and analysed in {time.monotonic() - started:.0f} s")

    def vacuum(self) -> None:
        """Set the visibility map, as autovacuum would some time after a load, so that the
        first measurements are not those of a table nobody has vacuumed yet. Not possible (nor
        needed) inside a caller's transaction, e.g. a test's."""
        if not self.postgres or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in self.MODELS:
                cursor.execute(f"VACUUM {model._meta.db_table}")

    def next_id(self, model) -> int:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        return (last or 0) + 1

    def bump_sequence(self, model, last_id: int) -> None:
        if not self.postgres:
            return
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, (SELECT max(id) FROM " + table + ")))",
                [table, last_id],
            )

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.postgres:
            model.objects.bulk_create([model(**_python_values(row)) for row in rows], batch_size=500)
            return
        columns = list(rows[0])
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(row[column]) for column in columns))
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer)


class JsonData(str):
    """A record's data as JSON text, serialised once for the record, its revision and its hash."""

    @property
    def text(self) -> str:
        return str(self)

    def as_dict(self) -> dict:
        return json.loads(self)


def content_hash(subject_key: str, data_text: str) -> str:
    # Bench records are never re-submitted, so any stable digest of their content will do.
    return hashlib.sha256(f"{subject_key}|{data_text}".encode()).hexdigest()


def _python_values(row: dict) -> dict:
    return {key: value.as_dict() if value.__class__ is JsonData else value for key, value in row.items()}


def _copy_value(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value.__class__ is str:
        text = value
    elif value.__class__ is bool:
        return "t" if value else "f"
    elif value.__class__ is JsonData:
        text = str.__str__(value)
    elif value.__class__ is int:
        return str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text
