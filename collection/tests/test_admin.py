import pytest
from django.urls import reverse
from freezegun import freeze_time

from collection.models import ApiToken, Channel
from collection.services.records import submit_record
from collection.services.tokens import authenticate_api_key, create_api_token

from .factories import SubjectFactory, make_ric

pytestmark = pytest.mark.django_db
PERSON_ID = make_ric("32062319881212456")  # 如东县


def test_the_subject_list_shows_only_the_masked_id_number(admin_client):
    subject = SubjectFactory(natural_person=True, identifier=PERSON_ID, name="李秀英")
    for url in (
        reverse("admin:collection_subject_changelist"),
        reverse("admin:collection_subject_change", args=[subject.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert "李秀英" in page and subject.identifier_masked in page
        assert PERSON_ID not in page and subject.identifier_hash not in page


def test_subjects_cannot_be_edited_in_the_admin(admin_client):
    subject = SubjectFactory()
    assert admin_client.get(reverse("admin:collection_subject_add")).status_code == 403
    response = admin_client.post(reverse("admin:collection_subject_change", args=[subject.pk]), {"name": "改名"})
    assert response.status_code == 403


@freeze_time("2026-05-08 10:00")
def test_a_record_shows_its_revisions(admin_client, catalog, scjgj):
    subject = SubjectFactory.build()
    data = {"decision_no": "通市监罚〔2026〕1号", "penalty_type": "警告", "decision_date": "2026-05-06"}
    for amount in ("1", "2"):
        record = submit_record(
            provider=scjgj,
            item_code="admin_penalty",
            source_key="通市监罚〔2026〕1号",
            subject=subject,
            data={**data, "penalty_amount": amount},
            channel=Channel.FORM,
        ).record
    page = admin_client.get(reverse("admin:collection_creditrecord_change", args=[record.pk])).content.decode()
    assert "记录版本" in page
    assert '"penalty_amount": "1"' in page.replace("&quot;", '"') and '"penalty_amount": "2"' in page.replace(
        "&quot;", '"'
    )


def test_the_token_admin_hides_the_key_hash_and_creates_nothing(admin_client, scjgj):
    token, key = create_api_token(provider=scjgj, name="对接")
    page = admin_client.get(reverse("admin:collection_apitoken_change", args=[token.pk])).content.decode()
    assert "对接" in page and token.prefix in page
    assert token.key_hash not in page and key not in page
    assert admin_client.get(reverse("admin:collection_apitoken_add")).status_code == 403


def test_the_token_admin_revokes_through_the_service(admin_client, scjgj):
    token, key = create_api_token(provider=scjgj, name="对接")
    response = admin_client.post(
        reverse("admin:collection_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "已吊销 1 个令牌" in response.content.decode()
    assert authenticate_api_key(key) is None
    assert ApiToken.objects.get().revoked_at is not None
