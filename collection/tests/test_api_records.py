"""`POST /api/v1/records/`, revocation and `GET /api/v1/records/<id>/` as a department's system
sees them (SPEC §6): status codes, bodies, what is stored, and who may see what."""

import json
import threading
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.api.serializers import RecordResultSerializer, record_result
from collection.models import ApiToken, Channel, CreditRecord, RecordRevision, RecordStatus, Subject
from collection.services.records import SubmissionResult
from collection.services.tokens import revoke_api_token
from nantong_credit import roles

from .api_support import COMPANY, PERSON_ID, RECORDS_URL, REVOKE_URL, Api, company, new_key, penalty_body, person
from .factories import make_uscc, wrong_check

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


@pytest.fixture(autouse=True)
def _may_2026():
    # Two days after the decision of the example bodies: on time (due 2026-05-14).
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


@pytest.fixture
def other_api(client, other_provider):
    """The system of 人社局, which is not responsible for the test catalog's items."""
    return Api(client, new_key(other_provider, "社保系统"))


def counts() -> tuple[int, int, int, int]:
    """Records, revisions, subjects and the audit events about them (not the tokens')."""
    return (
        CreditRecord.objects.count(),
        RecordRevision.objects.count(),
        Subject.objects.count(),
        AuditEvent.objects.exclude(action__startswith="apitoken.").count(),
    )


def test_the_urls_are_the_contract_ones():
    assert reverse("records_api:submit") == RECORDS_URL
    assert reverse("records_api:batch") == "/api/v1/records/batch/"
    assert reverse("records_api:revoke") == REVOKE_URL
    assert reverse("records_api:detail", args=[7]) == "/api/v1/records/7/"


# --- Submission ---------------------------------------------------------------------------------


def test_it_creates_a_record_and_answers_201_with_its_id(api, scjgj):
    response = api.submit(penalty_body())
    assert response.status_code == 201
    body = response.json()
    record = CreditRecord.objects.get()
    assert body == {
        "id": record.pk,
        "outcome": "created",
        "revision": 1,
        "status": "active",
        "is_late": False,
        "warnings": [],
        "url": f"/api/v1/records/{record.pk}/",
    }
    assert (record.provider, record.item_code, record.source_key) == (scjgj, "admin_penalty", "通市监罚〔2026〕12号")
    assert record.channel == Channel.API and record.subject.code == COMPANY
    assert record.data["penalty_type"] == ["罚款"]


def test_a_submission_cut_off_by_a_database_restart_answers_503_and_keeps_nothing(scjgj):
    """The connection drops after the record and its subject are written, before the audit
    event: the one transaction goes with it (issue 12 §13)."""
    api = Api(Client(raise_request_exception=False), new_key(scjgj))
    before = counts()
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("audit.services._append_in_one_statement", side_effect=lost):
        response = api.submit(penalty_body())

    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response.json() == {"errors": {"__all__": ["服务暂时不可用，请稍后重试"]}}
    assert counts() == before
    assert api.submit(penalty_body()).status_code == 201  # once the database is back


@pytest.mark.parametrize("when", ["2026-05-08 10:00+08:00", "2026-06-01 10:00+08:00"])  # on time, late
def test_the_answer_is_what_the_documented_serializer_gives(api, when):
    with freeze_time(when):
        api.submit(penalty_body())
    record = CreditRecord.objects.get()
    for result in (
        SubmissionResult(record, "created", ["逾期报送：应于2026-05-14前报送"]),
        SubmissionResult(record, "unchanged"),
    ):
        assert record_result(result) == RecordResultSerializer(result).data


def test_the_audit_trail_names_the_token_as_the_actor(api, scjgj):
    api.submit(penalty_body())
    token = ApiToken.objects.get(provider=scjgj)
    event = AuditEvent.objects.get(action="record.create")
    assert event.actor is None
    assert event.actor_label == f"api:scjgj/行政处罚办案系统#{token.pk}"
    # One event per submission: the record's names the subject it brought (issue 3).
    assert not AuditEvent.objects.filter(action="subject.create").exists()
    assert event.after["new_subject"] == {
        "kind": "legal_person",
        "name": event.after["subject_name"],
        "identifier": COMPANY,
        "flag": "",
    }
    assert RecordRevision.objects.get().created_by is None


def test_the_same_body_again_answers_200_and_changes_nothing(api):
    first = api.submit(penalty_body()).json()
    before = counts()
    response = api.submit(penalty_body())
    assert response.status_code == 200
    assert response.json() | {"url": None} == first | {"outcome": "unchanged", "url": None}
    assert counts() == before


def test_the_same_content_spelled_differently_is_still_unchanged(api):
    api.submit(penalty_body())
    before = counts()
    again = penalty_body(
        penalty_amount="2.50", decision_date="2026年5月6日", subject=company(identifier=" " + COMPANY.lower())
    )
    response = api.submit(again)
    assert (response.status_code, response.json()["outcome"]) == (200, "unchanged")
    assert counts() == before


def test_a_changed_body_makes_a_new_revision_and_keeps_the_old_one(api):
    created = api.submit(penalty_body()).json()
    changed = penalty_body(penalty_amount="20", penalty_type="罚款；没收违法所得")
    response = api.submit({**changed, "reason": "更正罚款金额"})
    assert response.status_code == 200
    assert response.json()["outcome"] == "updated"
    assert response.json()["revision"] == 2 and response.json()["id"] == created["id"]
    assert CreditRecord.objects.count() == 1
    old, new = RecordRevision.objects.order_by("number")
    assert (old.number, old.data["penalty_amount"]) == (1, "2.5")
    assert (new.number, new.data["penalty_amount"], new.reason) == (2, "20", "更正罚款金额")
    detail = api.get(created["url"]).json()
    assert [r["number"] for r in detail["revisions"]] == [2, 1]
    assert detail["revisions"][1]["data"]["penalty_amount"] == "2.5"


def test_a_late_record_is_accepted_with_a_warning(api):
    with freeze_time("2026-06-01 10:00+08:00"):
        response = api.submit(penalty_body())
    assert response.status_code == 201
    assert response.json()["is_late"] is True
    assert response.json()["warnings"] == ["逾期报送：应于2026-05-14前报送"]


def test_an_irregular_pilot_code_is_accepted_only_when_declared(api):
    irregular = wrong_check(make_uscc("91320600MA1P00001"))
    refused = api.submit(penalty_body(subject=company(identifier=irregular)))
    assert refused.status_code == 400
    assert "校验位错误" in refused.json()["errors"]["subject.identifier"][0]
    accepted = api.submit(penalty_body(subject=company(identifier=irregular, irregular_code=True)))
    assert accepted.status_code == 201
    assert "早期试点代码" in accepted.json()["warnings"][0]
    assert Subject.objects.get().identifier_flag == Subject.IdentifierFlag.IRREGULAR_CODE


# --- Refusals -----------------------------------------------------------------------------------


def test_invalid_input_answers_400_with_every_error_by_path(api):
    body = penalty_body(subject=company(identifier=wrong_check(COMPANY)), penalty_amount="两万", decision_date="— —")
    body["data"]["unknown_field"] = "x"
    response = api.submit(body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"subject.identifier", "data.penalty_amount", "data.decision_date", "data.unknown_field"}
    assert errors["data.penalty_amount"] == ["“罚款金额（万元）”应为数字，收到“两万”"]
    assert errors["data.decision_date"] == ["必填项“处罚决定日期”未填写"]
    assert "校验位错误" in errors["subject.identifier"][0]
    assert counts() == (0, 0, 0, 0)


def test_an_empty_body_lists_what_is_missing(api):
    response = api.submit({})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["item"] == ["未填写目录事项代码"]
    assert {"source_key", "subject.kind", "subject.name", "subject.identifier"} <= set(errors)


def test_an_unknown_item_is_a_400_not_a_403(api):
    response = api.submit({**penalty_body(), "item": "no_such_item"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"item": ["现行目录中没有事项代码“no_such_item”"]}


def test_malformed_json_answers_400_in_the_same_shape(api):
    response = api.post(RECORDS_URL, '{"item": "admin_penalty", ', raw=True)
    assert response.status_code == 400
    assert list(response.json()) == ["errors"]
    assert response.json()["errors"]["body"][0].startswith("请求体不是有效的JSON：第1行")
    nan = api.post(RECORDS_URL, '{"item": NaN}', raw=True)
    assert nan.status_code == 400 and "NaN" in nan.json()["errors"]["body"][0]
    assert counts() == (0, 0, 0, 0)


def test_a_body_with_a_byte_order_mark_is_read(api):
    response = api.post(RECORDS_URL, ("\ufeff" + json.dumps(penalty_body())).encode("utf-8"), raw=True)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ([penalty_body()], "body", "应为JSON对象（以 { 开头），收到数组"),
        ("admin_penalty", "body", "应为JSON对象（以 { 开头），收到字符串"),
        ({**penalty_body(), "item": ["admin_penalty"]}, "item", "应为字符串，收到数组"),
        ({**penalty_body(), "source_key": {"no": 12}}, "source_key", "应为字符串，收到对象"),
        ({**penalty_body(), "reason": 5}, "reason", "应为字符串，收到数字"),
        (
            {**penalty_body(), "provider": "rsj"},
            "provider",
            "未知的字段“provider”，可用字段：item、source_key、subject、data、reason",
        ),
        (
            {**penalty_body(), "subject": "南通通达建设工程有限公司"},
            "subject",
            "信息主体应为包含类别、名称和识别码的对象",
        ),
        ({**penalty_body(), "data": [1, 2]}, "data", "数据项应为以字段代码为键的对象"),
    ],
)
def test_wrong_json_types_answer_400_with_the_path(api, body, path, message):
    response = api.submit(body)
    assert response.status_code == 400
    assert response.json()["errors"][path] == [message]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("key", [0, 20260012, True])
def test_a_numeric_source_key_is_refused_alike_by_submission_and_revocation(api, key):
    """`source_key: 0` used to create a record "0" that revoking with 0 could not find."""
    submitted = api.submit({**penalty_body(), "source_key": key})
    revoked = api.post(REVOKE_URL, {"item": "admin_penalty", "source_key": key})
    for response in (submitted, revoked):
        assert response.status_code == 400
        assert response.json()["errors"]["source_key"][0].startswith("应为字符串，收到")
    assert counts() == (0, 0, 0, 0)


def test_a_form_encoded_body_is_refused_with_415_in_chinese(api):
    response = api.post(RECORDS_URL, "item=admin_penalty", raw=True, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json() == {"detail": "请以 Content-Type: application/json 发送JSON请求体。"}


def test_an_oversized_body_is_refused_with_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.submit(penalty_body(basis="依据" * 600))
    assert response.status_code == 413
    assert "请求体过大" in response.json()["detail"]
    assert counts()[0] == 0


def test_an_item_of_another_provider_answers_403(other_api):
    response = other_api.submit(penalty_body())
    assert response.status_code == 403
    assert response.json() == {"detail": "南通市人力资源和社会保障局不是目录事项“行政处罚”的责任单位"}
    assert CreditRecord.objects.count() == 0 and Subject.objects.count() == 0


# --- Tokens -------------------------------------------------------------------------------------


def test_no_token_answers_401_with_the_scheme_to_use(client):
    response = Api(client, None).submit(penalty_body())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "未提供接口令牌：请在请求头中加入“Authorization: Token <密钥>”。"}
    assert CreditRecord.objects.count() == 0


@pytest.mark.parametrize("header", ["Token not-a-key", "Token", "Token a b", "Token " + "k" * 300])
def test_a_bad_token_answers_401(client, scjgj, header):
    new_key(scjgj)
    response = client.post(
        RECORDS_URL, json.dumps(penalty_body()), content_type="application/json", headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"] in ("接口令牌无效或已吊销。", "请求头格式应为“Authorization: Token <密钥>”。")
    assert CreditRecord.objects.count() == 0


def test_a_revoked_token_answers_401(api, scjgj, scjgj_staff):
    assert api.submit(penalty_body()).status_code == 201
    revoke_api_token(token=ApiToken.objects.get(provider=scjgj), actor=scjgj_staff)
    response = api.submit(penalty_body("通市监罚〔2026〕13号"))
    assert response.status_code == 401
    assert response.json() == {"detail": "接口令牌无效或已吊销。"}
    assert api.get(reverse("records_api:detail", args=[CreditRecord.objects.get().pk])).status_code == 401
    assert CreditRecord.objects.count() == 1


def test_a_token_of_a_disabled_provider_answers_401(api, scjgj):
    scjgj.is_active = False
    scjgj.save()
    assert api.submit(penalty_body()).status_code == 401


def test_a_session_login_is_no_substitute_for_a_token(client, scjgj_staff):
    client.force_login(scjgj_staff)
    response = client.post(RECORDS_URL, json.dumps(penalty_body()), content_type="application/json")
    assert response.status_code == 401
    assert client.get(RECORDS_URL + "1/").status_code == 401


def test_the_key_printed_by_the_command_authenticates(client, scjgj):
    out = StringIO()
    call_command("create_api_token", "--provider", "scjgj", "--name", "数据交换平台", stdout=out, stderr=StringIO())
    response = Api(client, out.getvalue().strip()).submit(penalty_body())
    assert response.status_code == 201
    assert AuditEvent.objects.get(action="record.create").actor_label.startswith("api:scjgj/数据交换平台#")


# --- Rate limits --------------------------------------------------------------------------------


def test_over_the_rate_a_token_gets_429_in_chinese(api, client, scjgj, settings):
    settings.API_RATE_PER_TOKEN = "2/min"
    assert api.submit(penalty_body("A-1")).status_code == 201
    assert api.submit(penalty_body("A-2")).status_code == 201
    response = api.submit(penalty_body("A-3"))
    assert response.status_code == 429
    assert response.json() == {"detail": "请求过于频繁，已超过该令牌的接口限速，请40秒后重试。"}
    assert response["Retry-After"] == "40"
    assert CreditRecord.objects.count() == 2
    # Another token of the same department has its own allowance.
    assert Api(client, new_key(scjgj, "第二套系统")).submit(penalty_body("A-3")).status_code == 201
    with freeze_time("2026-05-08 10:01:01+08:00"):
        assert api.submit(penalty_body("A-4")).status_code == 201


def test_the_rate_can_be_switched_off(api, settings):
    settings.API_RATE_PER_TOKEN = "off"
    for n in range(5):
        assert api.submit(penalty_body(f"B-{n}")).status_code == 201


# --- Revocation ---------------------------------------------------------------------------------


def test_a_provider_revokes_its_record(api):
    created = api.submit(penalty_body()).json()
    response = api.revoke("admin_penalty", "通市监罚〔2026〕12号", "行政复议撤销原处罚决定")
    assert response.status_code == 200
    assert response.json() | {"url": None} == {
        "id": created["id"],
        "outcome": "revoked",
        "revision": 2,
        "status": "revoked",
        "is_late": False,
        "warnings": [],
        "url": None,
    }
    record = CreditRecord.objects.get()
    assert record.status == RecordStatus.REVOKED
    assert record.revisions.get(number=2).reason == "行政复议撤销原处罚决定"
    assert record.revisions.filter(number=1, status=RecordStatus.ACTIVE).exists()
    assert AuditEvent.objects.get(action="record.revoke").actor_label.startswith("api:scjgj/")
    again = api.revoke("admin_penalty", "通市监罚〔2026〕12号")
    assert (again.status_code, again.json()["outcome"], again.json()["revision"]) == (200, "unchanged", 2)


def test_revoking_an_unknown_record_answers_404_in_chinese(api):
    response = api.revoke("admin_penalty", "通市监罚〔2026〕99号")
    assert response.status_code == 404
    assert response.json() == {"detail": "本单位没有该事项、该业务编号的记录，无法撤销。"}


def test_another_providers_record_cannot_be_revoked(api, other_api):
    api.submit(penalty_body())
    response = other_api.revoke("admin_penalty", "通市监罚〔2026〕12号")
    assert response.status_code == 404
    assert CreditRecord.objects.get().status == RecordStatus.ACTIVE
    assert not AuditEvent.objects.filter(action="record.revoke").exists()


def test_a_revocation_without_item_or_key_answers_400(api):
    response = api.post(REVOKE_URL, {"source_key": " ", "reason": "x" * 201})
    assert response.status_code == 400
    assert response.json()["errors"]["item"] == ["未填写目录事项代码"]
    response = api.post(REVOKE_URL, {"item": "admin_penalty", "source_key": "  "})
    assert response.status_code == 400 and "source_key" in response.json()["errors"]


def test_a_revoked_record_submitted_again_is_active_again(api):
    api.submit(penalty_body())
    api.revoke("admin_penalty", "通市监罚〔2026〕12号")
    response = api.submit(penalty_body())
    assert (response.status_code, response.json()["outcome"], response.json()["revision"]) == (200, "updated", 3)
    assert CreditRecord.objects.get().status == RecordStatus.ACTIVE


def test_revocation_needs_a_token(client, api):
    api.submit(penalty_body())
    response = Api(client, None).revoke("admin_penalty", "通市监罚〔2026〕12号")
    assert response.status_code == 401
    assert CreditRecord.objects.get().status == RecordStatus.ACTIVE


# --- Reading one's own record -------------------------------------------------------------------


def test_a_provider_reads_its_own_record(api):
    url = api.submit(penalty_body()).json()["url"]
    response = api.get(url)
    assert response.status_code == 200
    body = response.json()
    record = CreditRecord.objects.get()
    assert {k: body[k] for k in ("id", "item", "item_name", "source_key", "status", "revision", "is_late")} == {
        "id": record.pk,
        "item": "admin_penalty",
        "item_name": "行政处罚",
        "source_key": "通市监罚〔2026〕12号",
        "status": "active",
        "revision": 1,
        "is_late": False,
    }
    assert body["subject"] == {
        "kind": "legal_person",
        "name": "南通通达建设工程有限公司",
        "identifier": COMPANY,
        "identifier_flag": "",
    }
    assert (body["decision_date"], body["due_on"], body["disclosure_ends_on"]) == (
        "2026-05-06",
        "2026-05-14",
        "2027-05-06",
    )
    assert body["severity"] == "general" and body["channel"] == "api"
    assert body["data"]["penalty_amount"] == "2.5"
    assert body["received_at"].startswith("2026-05-08T10:00:20")


def test_another_providers_record_is_404(api, other_api):
    url = api.submit(penalty_body()).json()["url"]
    response = other_api.get(url)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("本单位没有编号为")
    assert api.get(reverse("records_api:detail", args=[999999])).status_code == 404


def test_reading_needs_a_token(client, api):
    url = api.submit(penalty_body()).json()["url"]
    response = Api(client, None).get(url)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_a_natural_persons_id_number_is_never_returned_in_clear(api):
    body = penalty_body(subject=person(identifier=PERSON_ID[:6] + " " + PERSON_ID[6:]), legal_rep_id=PERSON_ID)
    created = api.submit(body)
    assert created.status_code == 201
    detail = api.get(created.json()["url"])
    masked = PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    assert detail.json()["subject"]["identifier"] == masked
    for response in (created, detail, api.submit(body), api.revoke("admin_penalty", "通市监罚〔2026〕12号")):
        assert PERSON_ID not in response.content.decode()
        assert PERSON_ID[6:14] not in response.content.decode()  # not even the birth date


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_body_sent_concurrently_is_stored_once(postgres_only, scjgj):
    """Departments' systems retry on timeouts: parallel copies of one body make one record."""
    key = new_key(scjgj)
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            statuses.append(Api(Client(), key).submit(penalty_body()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert counts()[:2] == (1, 1)
    assert AuditEvent.objects.filter(action="record.create").count() == 1


def test_the_token_api_is_not_held_back_by_a_session_that_must_enrol(client, api, scjgj_staff, settings):
    """Two-factor login guards sessions (issue 12 §1); the API answers the token alone, even from
    the browser of a staff member who has yet to enrol a device."""
    settings.TWO_FACTOR_REQUIRED_ROLES = list(roles.TWO_FACTOR_ROLES)
    client.force_login(scjgj_staff)
    assert client.get("/office/")["Location"] == reverse("two_factor")
    assert api.submit(penalty_body()).status_code == 201
    assert Api(client, None).submit(penalty_body()).status_code == 401  # the session is no token
