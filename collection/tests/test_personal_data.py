import json

import pytest
from cryptography.fernet import Fernet
from django.db import IntegrityError

from audit.models import AuditEvent
from collection.models import Subject
from collection.personal_data import (
    DecryptionFailed,
    decrypt_identifier,
    encrypt_identifier,
    identifier_hash,
    rotate_identifier,
)
from collection.selectors import subject_by_identifier
from collection.services.errors import SubjectKindConflict
from collection.services.subjects import find_or_create_subject

from .factories import SubjectFactory, make_ric, make_uscc

PERSON_ID = make_ric("32068219920912241")  # 如皋市


def test_it_encrypts_and_decrypts_an_id_number():
    token = encrypt_identifier(PERSON_ID)
    assert PERSON_ID not in token
    assert decrypt_identifier(token) == PERSON_ID
    # Fernet tokens carry a random IV: the ciphertext says nothing about equal numbers.
    assert encrypt_identifier(PERSON_ID) != token


def test_it_uses_configured_keys_and_still_reads_values_under_an_older_key(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    token = encrypt_identifier(PERSON_ID)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert decrypt_identifier(token) == PERSON_ID
    rotated = rotate_identifier(token)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert decrypt_identifier(rotated) == PERSON_ID
    with pytest.raises(DecryptionFailed):
        decrypt_identifier(token)


def test_the_embedded_key_follows_the_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    token = encrypt_identifier(PERSON_ID)
    settings.SECRET_KEY = "another-secret-key-for-a-different-installation"
    with pytest.raises(DecryptionFailed):
        decrypt_identifier(token)


def test_the_lookup_hash_is_keyed(settings):
    settings.IDENTIFIER_HASH_KEY = ""
    derived = identifier_hash("ric", PERSON_ID)
    assert derived == identifier_hash("ric", PERSON_ID)
    assert derived != identifier_hash("uscc", PERSON_ID)
    settings.IDENTIFIER_HASH_KEY = "a-production-hash-key"
    assert identifier_hash("ric", PERSON_ID) != derived
    assert PERSON_ID not in derived


@pytest.mark.django_db
def test_a_natural_person_is_stored_encrypted_masked_and_found_by_hash():
    subject, created, warning = find_or_create_subject(kind="natural_person", name="陈海燕", identifier=PERSON_ID)
    assert created and warning == ""
    subject.refresh_from_db()
    assert subject.code is None
    assert subject.identifier_masked == "3206**********" + PERSON_ID[-4:]
    assert decrypt_identifier(subject.identifier_encrypted) == PERSON_ID
    assert subject_by_identifier("natural_person", PERSON_ID.lower()) == subject
    again, created, _warning = find_or_create_subject(kind="natural_person", name="陈海燕", identifier=f" {PERSON_ID} ")
    assert again == subject and not created


@pytest.mark.django_db
def test_no_clear_id_number_outside_the_encrypted_column():
    subject = SubjectFactory(natural_person=True, identifier=PERSON_ID)
    row = Subject.objects.filter(pk=subject.pk).values().get()
    for column, value in row.items():
        if column != "identifier_encrypted":
            assert PERSON_ID not in str(value), column
    events = AuditEvent.objects.filter(object_type="collection.subject", object_id=str(subject.pk))
    assert events.exists()
    for event in events:
        assert PERSON_ID not in json.dumps([event.summary, event.before, event.after], ensure_ascii=False)


@pytest.mark.django_db
def test_the_database_refuses_a_natural_person_with_a_clear_code():
    subject = SubjectFactory(natural_person=True)
    with pytest.raises(IntegrityError):
        Subject.objects.filter(pk=subject.pk).update(code=PERSON_ID)


@pytest.mark.django_db
def test_an_organisation_keeps_its_public_code_in_clear():
    code = make_uscc("91320623MA1Q2W3E4")
    subject, created, _warning = find_or_create_subject(
        kind="legal_person", name="如东县示例船舶有限公司", identifier=code.lower()
    )
    assert created
    assert (subject.code, subject.identifier_masked, subject.identifier_encrypted) == (code, code, "")
    assert subject_by_identifier("legal_person", code) == subject


@pytest.mark.django_db
def test_a_new_name_updates_the_subject_with_an_audit_event():
    subject = SubjectFactory(name="南通示例贸易有限公司")
    again, created, _warning = find_or_create_subject(
        kind=subject.kind, name="南通示例国际贸易有限公司", identifier=subject.code, district="崇川区"
    )
    assert not created
    again.refresh_from_db()
    assert (again.name, again.district) == ("南通示例国际贸易有限公司", "崇川区")
    event = AuditEvent.objects.filter(action="subject.update", object_id=str(subject.pk)).get()
    assert event.before == {"name": "南通示例贸易有限公司", "district": ""}
    # The same name again changes nothing and writes nothing.
    find_or_create_subject(kind=subject.kind, name="南通示例国际贸易有限公司", identifier=subject.code)
    assert AuditEvent.objects.filter(action="subject.update", object_id=str(subject.pk)).count() == 1


@pytest.mark.django_db
def test_an_irregular_code_is_stored_flagged():
    code = make_uscc("91320681MA1A2B3C4")
    irregular = code[:-1] + ("0" if code[-1] != "0" else "1")
    subject, _created, warning = find_or_create_subject(
        kind="legal_person", name="启东市早期试点公司", identifier=irregular, allow_irregular=True
    )
    assert subject.identifier_flag == Subject.IdentifierFlag.IRREGULAR_CODE
    assert "待复核" in warning


@pytest.mark.django_db
def test_a_kind_conflict_is_refused():
    shop = SubjectFactory(individual_business=True)
    Subject.objects.filter(pk=shop.pk).update(kind="legal_person")  # data imported wrongly earlier
    with pytest.raises(SubjectKindConflict):
        find_or_create_subject(kind="individual_business", name=shop.name, identifier=shop.code)
