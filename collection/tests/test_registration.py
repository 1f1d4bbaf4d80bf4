"""Registration with real name and 公民身份号码, and the clerk's identity verification (Art. 10, 11)."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import SubjectKind
from collection.accounts.registration import (
    IdentityAlreadyVerified,
    IdentityMethod,
    RegistrationError,
    tell_holder_of_duplicate,
    verify_identity,
)
from collection.identifiers import mask_identifier
from collection.models import Subject, SubjectBinding
from collection.personal_data import decrypt_identifier
from nantong_credit import roles
from nantong_credit.models import Notification

from .account_support import LI_ID, PASSWORD, WANG_ID, register
from .factories import SubjectFactory, make_ric, wrong_check

pytestmark = pytest.mark.django_db
User = get_user_model()
REGISTER = reverse("account:register")


def form(**overrides) -> dict:
    return {
        "account_type": "person",
        "username": "lixm",
        "real_name": "李晓梅",
        "id_number": LI_ID,
        "phone": "13912345678",
        "email": "lixm@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def verify_url(user) -> str:
    return reverse("collection_office:verify_identity", args=[user.pk])


# --- Registration -------------------------------------------------------------------------------


def test_the_registration_page_asks_for_real_name_and_id_number(client):
    page = client.get(REGISTER).content.decode()
    for label in ("用户名", "真实姓名", "公民身份号码", "手机号码", "电子邮箱", "注册类型"):
        assert label in page
    assert "实名核验" in page


def test_it_registers_a_subject_user_and_signs_them_in(client):
    response = client.post(REGISTER, form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account:home")
    user = User.objects.get(username="lixm")
    assert user.real_name == "李晓梅" and user.phone == "13912345678"
    assert user.role_names == {roles.SUBJECT_USER, roles.REQUESTER}
    assert user.identity_verified_at is None
    assert user.id_number_masked == LI_ID[:4] + "**********" + LI_ID[-4:]
    assert decrypt_identifier(user.id_number_encrypted) == LI_ID
    page = response.content.decode()
    assert "注册成功" in page and "待核验" in page and user.id_number_masked in page
    assert response.context["user"] == user
    assert AuditEvent.objects.filter(action="account.register", object_id=str(user.pk)).exists()


def test_an_agent_is_sent_to_the_binding_request(client):
    response = client.post(REGISTER, form(account_type="agent"))
    assert response["Location"] == reverse("account:binding_new")


def test_it_accepts_the_id_number_as_people_type_it(client):
    typed = " ".join([LI_ID[:6], LI_ID[6:14], LI_ID[14:]]).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    client.post(REGISTER, form(id_number=typed.lower()))
    assert decrypt_identifier(User.objects.get(username="lixm").id_number_encrypted) == LI_ID


# --- The same answer whether the number is registered or not (issue 12 §10) -----------------------

# Another person's number, masked exactly as LI_ID is: the pages of the two cases compare whole.
OTHER_ID = make_ric("32060219860109002")


def registration_seen_by(client, id_number: str, username: str) -> list[tuple[int, str, str]]:
    """What a person registering sees: each response's status, Location and page, with what
    differs by design (the CSRF token, the chosen username) blanked."""
    seen = []
    for response in (client.get(REGISTER), client.post(REGISTER, form(id_number=id_number, username=username))):
        seen.append(response)
    seen.append(client.get(seen[-1]["Location"]))
    seen.append(client.get(reverse("inbox:list")))
    return [
        (
            r.status_code,
            r.get("Location", ""),
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode()).replace(username, "USERNAME"),
        )
        for r in seen
    ]


def test_registering_a_number_that_has_an_account_looks_exactly_like_a_new_one(client):
    assert mask_identifier(OTHER_ID) == mask_identifier(LI_ID)
    register(username="holder")  # LI_ID has an account

    taken = registration_seen_by(Client(), LI_ID, "probe1")
    free = registration_seen_by(Client(), OTHER_ID, "probe2")

    assert [status for status, _location, _page in taken] == [200, 302, 200, 200]
    assert taken == free
    assert "该公民身份号码已注册过账号" not in "".join(page for _s, _l, page in taken)


def test_the_repeated_number_makes_an_account_that_cannot_be_verified(client, clerk):
    holder = register(username="holder")
    client.post(REGISTER, form(username="second"))
    second = User.objects.get(username="second")
    assert second.id_number_duplicate_of == holder and second.id_number_hash == ""
    assert second.id_number_masked == holder.id_number_masked
    assert User.objects.filter(id_number_hash=holder.id_number_hash).get() == holder  # still one holder

    client.force_login(clerk)
    assert "号码已由 holder 注册" in client.get(reverse("collection_office:identities")).content.decode()
    page = client.get(verify_url(second)).content.decode()
    assert "已由账号“holder”" in page and "确认核验" not in page
    client.post(verify_url(second), {"id_number": LI_ID, "papers_seen": "on"})
    second.refresh_from_db()
    assert second.identity_verified_at is None and not SubjectBinding.objects.filter(user=second).exists()
    with pytest.raises(RegistrationError, match="不能核验"):
        verify_identity(user=second, actor=clerk, method=IdentityMethod.PAPERS)


def test_the_holder_of_the_number_is_told_once(client, mailoutbox, eager_celery, django_capture_on_commit_callbacks):
    holder = register(username="holder")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, form(username="second"))
    notice = Notification.objects.get(recipient=holder)
    assert notice.title == "有人使用您的公民身份号码注册了新账号"
    assert "second" in notice.body and holder.id_number_masked in notice.body and LI_ID not in notice.body
    assert [message.to for message in mailoutbox] == [[holder.email]]
    tell_holder_of_duplicate(User.objects.get(username="second").pk)  # a redelivered task
    assert Notification.objects.filter(recipient=holder).count() == 1
    assert not Notification.objects.filter(recipient__username="second").exists()


def test_a_new_number_tells_nobody(client, mailoutbox, eager_celery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(REGISTER, form())
    assert len(callbacks) == 1  # the same task is queued, and finds nobody to tell
    assert not Notification.objects.exists() and not mailoutbox


def test_a_registration_that_slips_past_the_lookup_is_still_a_duplicate(client, monkeypatch):
    """Another registration with the number commits between the lookup and the insert: the
    unique constraint refuses the insert, and the account is made as a duplicate, not a 500."""
    from collection.accounts import registration

    holder = register(username="first")
    real_holder_of = registration.holder_of
    calls = []

    def first_lookup_misses(lookup: str):
        calls.append(lookup)
        return real_holder_of(lookup) if len(calls) > 1 else None

    monkeypatch.setattr(registration, "holder_of", first_lookup_misses)
    response = client.post(REGISTER, form(username="second"))
    assert response.status_code == 302 and len(calls) == 2
    assert User.objects.get(username="second").id_number_duplicate_of == holder


def test_registration_is_rate_limited_per_address(client, settings):
    settings.REGISTER_RATE = "2/m"
    for attempt in range(2):
        response = client.post(REGISTER, form(username=f"try{attempt}", phone="12345"), REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
    refused = client.post(REGISTER, form(), REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "操作过于频繁，请稍后再试" in refused.content.decode()
    assert not User.objects.filter(username="lixm").exists()
    assert client.get(REGISTER, REMOTE_ADDR="203.0.113.7").status_code == 200  # reading the form is not limited
    assert client.post(REGISTER, form(), REMOTE_ADDR="198.51.100.20").status_code == 302


def test_a_username_taken_in_the_same_moment_is_still_a_username_error():
    """The service has no username pre-check (the form has): the insert's violation says which."""
    from collection.accounts.registration import RegistrationError

    register(username="lixm", id_number=WANG_ID, real_name="王建国")
    with pytest.raises(RegistrationError) as refused:
        register(username="lixm")
    assert (refused.value.field, refused.value.message) == ("username", "该用户名已被使用，请换一个")
    assert User.objects.filter(username="lixm").get().real_name == "王建国"


def test_it_refuses_an_id_number_with_a_wrong_check_digit_in_chinese(client):
    response = client.post(REGISTER, form(id_number=wrong_check(LI_ID)))
    assert "公民身份号码校验位错误" in response.content.decode()
    assert not User.objects.exists()


def test_it_refuses_an_impossible_birth_date(client):
    response = client.post(REGISTER, form(id_number="32060219851332001X"))
    page = response.content.decode()
    assert "公民身份号码" in page and not User.objects.exists()


def test_passwords_go_through_the_validators(client):
    response = client.post(REGISTER, form(password1="1234567890123", password2="1234567890123"))
    page = response.content.decode()
    assert "这个密码太常见了" in page or "密码只包含数字" in page
    assert not User.objects.exists()


def test_it_asks_for_a_mobile_number(client):
    response = client.post(REGISTER, form(phone="12345"))
    assert "请填写11位手机号码" in response.content.decode()


def test_a_taken_username_is_refused(client, nobody):
    response = client.post(REGISTER, form(username=nobody.username))
    assert response.status_code == 200
    assert User.objects.filter(username=nobody.username).count() == 1
    assert not User.objects.filter(id_number_hash__gt="").exists()


def test_a_signed_in_user_is_sent_to_their_page(client, nobody):
    client.force_login(nobody)
    assert client.get(REGISTER)["Location"] == reverse("account:home")


def test_the_id_number_is_never_stored_or_logged_in_clear(client, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own loggers stop at INFO otherwise
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        client.post(REGISTER, form(), follow=True)
    finally:
        connection.force_debug_cursor = False
    assert User.objects.filter(username="lixm").exists()
    assert "core_user" in caplog.text  # the statements were logged...
    assert LI_ID not in caplog.text and LI_ID[6:14] not in caplog.text  # ...without the number
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_user")
        rows = cursor.fetchall()
        cursor.execute("SELECT summary, before, after FROM audit_auditevent")
        events = cursor.fetchall()
    assert rows and not any(LI_ID in str(value) for row in rows for value in row)
    assert events and not any(LI_ID in str(value) for row in events for value in row)


# --- Identity verification by a clerk -----------------------------------------------------------


def test_a_clerk_sees_the_accounts_awaiting_verification(client, clerk):
    user = register()
    client.force_login(clerk)
    page = client.get(reverse("collection_office:identities")).content.decode()
    assert "李晓梅" in page and user.id_number_masked in page and LI_ID not in page
    assert verify_url(user) in page


def test_a_clerk_verifies_an_identity_against_the_card(client, clerk):
    user = register()
    client.force_login(clerk)
    page = client.get(verify_url(user)).content.decode()
    assert "已查验居民身份证原件" in page and LI_ID not in page
    response = client.post(verify_url(user), {"id_number": LI_ID, "papers_seen": "on"}, follow=True)
    assert "已核验李晓梅（lixm）的实名身份" in response.content.decode()
    user.refresh_from_db()
    assert user.identity_verified_at is not None
    event = AuditEvent.objects.get(action="account.verify_identity")
    assert event.actor == clerk and event.after["method"] == IdentityMethod.PAPERS


def test_verification_binds_the_person_to_their_own_subject(clerk):
    user = register()
    verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    binding = SubjectBinding.objects.get(user=user)
    assert binding.status == SubjectBinding.Status.APPROVED and binding.reviewed_by == clerk
    subject = binding.subject
    assert subject.kind == SubjectKind.NATURAL_PERSON and subject.name == "李晓梅"
    assert subject.code is None and decrypt_identifier(subject.identifier_encrypted) == LI_ID


def test_verification_binds_to_a_subject_the_platform_already_knows(clerk):
    known = SubjectFactory(kind=SubjectKind.NATURAL_PERSON, name="李晓梅", identifier=LI_ID)
    user = register()
    verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    assert SubjectBinding.objects.get(user=user).subject == known
    assert Subject.objects.count() == 1


def test_a_different_number_on_the_card_is_refused(client, clerk):
    user = register()
    client.force_login(clerk)
    response = client.post(verify_url(user), {"id_number": WANG_ID, "papers_seen": "on"})
    assert "与该账号注册时填写的公民身份号码不一致" in response.content.decode()
    user.refresh_from_db()
    assert user.identity_verified_at is None and not SubjectBinding.objects.exists()


def test_the_clerk_must_confirm_seeing_the_card(client, clerk):
    user = register()
    client.force_login(clerk)
    response = client.post(verify_url(user), {"id_number": LI_ID})
    assert "请确认已查验居民身份证原件" in response.content.decode()
    user.refresh_from_db()
    assert user.identity_verified_at is None


def test_an_identity_is_verified_once(clerk):
    user = register()
    verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    with pytest.raises(IdentityAlreadyVerified, match="已完成实名核验"):
        verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    assert SubjectBinding.objects.filter(user=user).count() == 1


def test_a_connector_can_verify_with_its_own_label():
    from collection.accounts.registration import account_by_id_number

    register()
    user = account_by_id_number(LI_ID)
    verify_identity(user=user, actor="江苏政务服务网统一身份认证", method=IdentityMethod.UNIFIED_IDENTITY)
    event = AuditEvent.objects.get(action="account.verify_identity")
    assert event.actor is None and event.actor_label == "江苏政务服务网统一身份认证"
    assert SubjectBinding.objects.get(user=user).reviewed_by is None


def test_only_clerks_verify_identities(client, provider_staff, catalog_admin):
    user = register()
    for outsider in (provider_staff, catalog_admin, user):
        client.force_login(outsider)
        assert client.get(reverse("collection_office:identities")).status_code == 403
        assert client.post(verify_url(user), {"id_number": LI_ID, "papers_seen": "on"}).status_code == 403
    user.refresh_from_db()
    assert user.identity_verified_at is None


def test_anonymous_visitors_are_sent_to_log_in(client):
    user = register()
    for url in (reverse("collection_office:identities"), verify_url(user), reverse("account:home")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_with_one_number_make_one_holder(postgres_only):
    """Both find the number free; the unique constraint lets one insert through and the other
    becomes its duplicate, not left to luck."""
    import threading

    from django.db import connections

    from collection.accounts.registration import RegistrationError

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(username: str) -> None:
        barrier.wait()
        try:
            register(username=username)
            outcomes.append("created")
        except RegistrationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["created", "created"]
    assert User.objects.filter(id_number_hash__gt="").count() == 1
    assert User.objects.filter(id_number_duplicate_of__isnull=False).count() == 1
