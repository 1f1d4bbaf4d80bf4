"""`bench/generate_bench_data.py`: valid, realistic subjects and records, fast."""

from io import StringIO

import pytest
from django.db import connection
from stdnum.cn import ric, uscc

from bench import generate_bench_data
from catalog.models import SubjectKind
from collection.models import Annotation, CreditRecord, RecordRevision, Subject
from collection.personal_data import decrypt_identifier, identifier_hash
from inquiry.models import CreditCommitment
from inquiry.search import search_subjects

from .public_support import public_catalog, scjgj  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = StringIO()
    options = generate_bench_data.parser().parse_args(args)
    generate_bench_data.generate(
        subjects=options.subjects,
        records=options.records,
        seed=options.seed,
        no_revisions=options.no_revisions,
        stdout=out,
    )
    return out.getvalue()


def test_it_needs_a_published_catalog(db):
    with pytest.raises(generate_bench_data.GenerationError, match="seed_demo"):
        generate("--subjects", "10", "--records", "10")


def test_subjects_have_valid_codes_and_realistic_names(public_catalog):
    generate("--subjects", "200", "--records", "0")
    subjects = list(Subject.objects.all())
    assert len(subjects) == 200
    kinds = {kind: [s for s in subjects if s.kind == kind] for kind in SubjectKind.values}
    assert len(kinds["legal_person"]) > len(kinds["individual_business"]) > len(kinds["natural_person"]) > 0
    for subject in kinds["legal_person"] + kinds["individual_business"]:
        assert uscc.is_valid(subject.code) and subject.identifier_hash == identifier_hash("uscc", subject.code)
        assert subject.code.startswith("92" if subject.kind == "individual_business" else "91")
        assert subject.district and subject.registration_status and subject.legal_representative
    assert any(s.name.endswith("有限公司") for s in kinds["legal_person"])
    assert all("镇" in s.name for s in kinds["individual_business"])
    for person in kinds["natural_person"]:
        number = decrypt_identifier(person.identifier_encrypted)
        assert person.code is None and ric.is_valid(number)
        assert person.identifier_masked == number[:4] + "**********" + number[-4:]
        assert person.identifier_hash == identifier_hash("ric", number)


def test_records_fill_the_catalog_items_fields(public_catalog):
    generate("--subjects", "100", "--records", "400")
    records = list(CreditRecord.objects.select_related("subject", "catalog_item"))
    assert len(records) == 400 and RecordRevision.objects.count() == 400
    items = {record.item_code for record in records}
    assert {"admin_license", "admin_penalty"} <= items
    for record in records:
        assert record.subject.kind in record.catalog_item.subject_kinds
        fields = list(record.catalog_item.fields.all())
        assert set(record.data) <= {field.key for field in fields}
        assert {field.key for field in fields if field.required} <= set(record.data)
        assert record.provider in record.catalog_item.providers.all()
    penalties = [r for r in records if r.item_code == "admin_penalty"]
    assert all(r.is_dishonesty and r.severity and r.disclosure_ends_on for r in penalties)
    assert all(r.disclosure_ends_on is None for r in records if r.item_code == "admin_license")
    assert not any(r.is_public for r in records if r.item_code == "tax_credit_rating")


def test_some_records_carry_marks_and_some_subjects_commitments(public_catalog):
    generate("--subjects", "50", "--records", "1000")
    assert Annotation.objects.filter(kind=Annotation.Kind.OBJECTOR_STATEMENT).exists()
    assert all(a.record.is_dishonesty for a in Annotation.objects.select_related("record"))
    assert CreditCommitment.objects.filter(is_public=True).exists()


def test_the_same_seed_gives_the_same_names(public_catalog):
    generate("--subjects", "20", "--records", "0", "--seed", "7")
    first = list(Subject.objects.order_by("id").values_list("name", flat=True))
    Subject.objects.all().delete()
    generate("--subjects", "20", "--records", "0", "--seed", "7")
    assert list(Subject.objects.order_by("id").values_list("name", flat=True)) == first


def test_a_second_run_adds_to_the_first(public_catalog):
    generate("--subjects", "30", "--records", "30", "--no-revisions")
    generate("--subjects", "30", "--records", "30", "--no-revisions")
    assert Subject.objects.count() == 60 and CreditRecord.objects.count() == 60
    assert not RecordRevision.objects.exists()


def test_generated_subjects_are_found_by_the_search(public_catalog):
    generate("--subjects", "60", "--records", "0")
    company = Subject.objects.filter(kind="legal_person").first()
    assert company in search_subjects(company.code).rows
    assert company in search_subjects(company.name).rows


def test_postgres_loads_by_copy_keeps_every_index_and_fills_the_grams(public_catalog, postgres_only):
    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename IN "
                "('collection_subject', 'collection_creditrecord', 'collection_annotation')"
            )
            return {row[0] for row in cursor.fetchall()}

    before = indexes()
    assert "subject_name_grams_gin" in before and "subject_name_trgm_gin" in before
    output = generate("--subjects", "300", "--records", "900")
    assert "rebuilt" in output and indexes() == before
    company = Subject.objects.filter(kind="legal_person").first()
    assert company in search_subjects(company.name[2:4]).rows  # two characters: the grams column
    assert company in search_subjects(company.name[1:5]).rows  # four characters: the trigram index
    # the sequence moved past the generated ids
    assert (
        Subject.objects.create(
            kind="legal_person", name="之后新建", code="91320602MA1W8X7Q3N", identifier_hash="x", identifier_masked="x"
        ).pk
        > company.pk
    )
