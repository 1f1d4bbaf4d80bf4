"""关注 (issue 16 §3): following a subject from its page, the limit of 50, 我的关注, and what a
visitor, a natural person's page and a forged request get."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from collection.models import Subject
from collection.tests.factories import SubjectFactory, make_uscc
from inquiry.follows.models import Follow
from inquiry.follows.services import FOLLOW_LIMIT, FollowError, follow_subject

from .follow_support import company, follower  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def follow_url(subject: Subject) -> str:
    return reverse("follows:follow", args=[subject.code])


def unfollow_url(subject: Subject) -> str:
    return reverse("follows:unfollow", args=[subject.code])


def subject_url(subject: Subject) -> str:
    return reverse("subjects:detail", args=[subject.code])


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_signed_in_user_follows_from_the_subject_page_and_is_told_so(client, follower, company):
    client.force_login(follower)

    response = client.post(follow_url(company), follow=True)

    assert response.redirect_chain[-1][0] == subject_url(company)
    assert Follow.objects.filter(user=follower, subject=company).count() == 1
    assert any("已关注南通海晟纺织有限公司" in text and "站内消息和邮件" in text for text in shown_messages(response))
    event = AuditEvent.objects.get(action="subject.follow")
    assert event.actor_id == follower.pk and event.object_id == str(company.pk)


def test_following_twice_keeps_one_follow_and_one_audit_event(client, follower, company):
    client.force_login(follower)
    client.post(follow_url(company))
    client.post(follow_url(company))

    assert Follow.objects.filter(user=follower, subject=company).count() == 1
    assert AuditEvent.objects.filter(action="subject.follow").count() == 1


def test_unfollowing_removes_the_follow_and_is_audited(client, follower, company):
    client.force_login(follower)
    client.post(follow_url(company))

    response = client.post(unfollow_url(company), follow=True)

    assert not Follow.objects.filter(user=follower).exists()
    assert response.redirect_chain[-1][0] == subject_url(company)
    assert "已取消关注南通海晟纺织有限公司。" in shown_messages(response)
    assert AuditEvent.objects.filter(action="subject.unfollow").count() == 1
    again = client.post(unfollow_url(company), follow=True)
    assert "您没有关注南通海晟纺织有限公司。" in shown_messages(again)
    assert AuditEvent.objects.filter(action="subject.unfollow").count() == 1


def test_the_fifty_first_follow_is_refused_with_the_reason_and_nothing_changes(client, follower):
    subjects = [SubjectFactory(identifier=make_uscc(f"91320602{n:09d}")) for n in range(FOLLOW_LIMIT + 1)]
    for subject in subjects[:FOLLOW_LIMIT]:
        follow_subject(user=follower, subject=subject)
    client.force_login(follower)

    response = client.post(follow_url(subjects[-1]), follow=True)

    assert Follow.objects.filter(user=follower).count() == FOLLOW_LIMIT
    assert not Follow.objects.filter(subject=subjects[-1]).exists()
    assert any("最多关注50个主体" in text for text in shown_messages(response))
    # One freed place is enough.
    client.post(unfollow_url(subjects[0]))
    client.post(follow_url(subjects[-1]))
    assert Follow.objects.filter(user=follower, subject=subjects[-1]).exists()


def test_the_limit_is_per_account(client, follower, user_with_role, company):
    for n in range(FOLLOW_LIMIT):
        follow_subject(user=follower, subject=SubjectFactory(identifier=make_uscc(f"91320603{n:09d}")))
    other = user_with_role("qianm")
    client.force_login(other)
    client.post(follow_url(company))
    assert Follow.objects.filter(user=other, subject=company).exists()


def test_a_natural_person_cannot_be_followed(follower):
    person = SubjectFactory(natural_person=True)
    with pytest.raises(FollowError, match="自然人"):
        follow_subject(user=follower, subject=person)
    assert not Follow.objects.exists()


def test_an_unknown_code_and_a_natural_persons_id_number_are_not_found(client, follower):
    person = SubjectFactory(natural_person=True)
    client.force_login(follower)
    assert client.post(reverse("follows:follow", args=[make_uscc("91320699000000001")])).status_code == 404
    assert client.post(reverse("follows:follow", args=["320602198501010011"])).status_code == 404
    assert client.post(reverse("follows:follow", args=[person.identifier_masked])).status_code == 404
    assert not Follow.objects.exists()


def test_a_visitor_is_sent_to_log_in_and_back_to_the_subject_page(client, company):
    response = client.post(follow_url(company))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={subject_url(company)}"
    assert not Follow.objects.exists()
    assert client.post(unfollow_url(company))["Location"].startswith(reverse("login"))


def test_the_buttons_answer_only_post(client, follower, company):
    client.force_login(follower)
    assert client.get(follow_url(company)).status_code == 405
    assert client.get(unfollow_url(company)).status_code == 405
    assert not Follow.objects.exists()


def test_a_request_without_the_csrf_token_is_refused(follower, company):
    client = Client(enforce_csrf_checks=True)
    client.force_login(follower)

    assert client.post(follow_url(company)).status_code == 403
    assert not Follow.objects.exists()


def test_a_redirect_elsewhere_is_not_followed(client, follower, company):
    client.force_login(follower)
    response = client.post(follow_url(company), {"next": "https://evil.example/"})
    assert response["Location"] == subject_url(company)


# --- 我的关注 ---------------------------------------------------------------------------------


def test_my_follows_lists_the_followed_subjects_with_their_unfollow_buttons(client, follower, company):
    other = SubjectFactory(name="南通四建集团有限公司", identifier=make_uscc("91320602MA1W8X7Q3"))
    follow_subject(user=follower, subject=company)
    follow_subject(user=follower, subject=other)
    client.force_login(follower)

    html = client.get(reverse("follows:mine")).content.decode()

    assert f'href="{subject_url(company)}">南通海晟纺织有限公司</a>' in html
    assert f'href="{subject_url(other)}">南通四建集团有限公司</a>' in html
    assert html.count('action="/subjects/') == 2 and "已关注2个" in html
    assert "尚无变更" in html


def test_unfollowing_from_my_follows_returns_there(client, follower, company):
    follow_subject(user=follower, subject=company)
    client.force_login(follower)

    response = client.post(unfollow_url(company), {"next": reverse("follows:mine")}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("follows:mine")
    assert "您还没有关注任何主体" in response.content.decode()


def test_my_follows_shows_only_my_own(client, follower, user_with_role, company):
    follow_subject(user=follower, subject=company)
    other = user_with_role("qianm")
    client.force_login(other)
    assert "南通海晟纺织有限公司" not in client.get(reverse("follows:mine")).content.decode()


def test_my_follows_needs_a_login_and_is_in_the_account_menu(client, follower):
    assert client.get(reverse("follows:mine"))["Location"].startswith(reverse("login"))
    client.force_login(follower)
    assert f'href="{reverse("follows:mine")}">我的关注</a>' in client.get(reverse("inbox:list")).content.decode()


# --- The subject page's action template -------------------------------------------------------


def render_action(rf, user, subject) -> str:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get(subject_url(subject))
    request.user = user or AnonymousUser()
    context = {"subject": subject, "user": request.user, "request": request}
    return render_to_string("inquiry/follows/_subject_action.html", context, request=request)


def test_the_action_offers_to_follow_then_to_unfollow(rf, follower, company):
    html = render_action(rf, follower, company)
    assert f'action="{follow_url(company)}"' in html and "csrfmiddlewaretoken" in html

    follow_subject(user=follower, subject=company)
    html = render_action(rf, follower, company)
    assert "已关注" in html and f'action="{unfollow_url(company)}"' in html and "取消关注" in html


def test_the_action_asks_a_visitor_to_log_in_and_come_back(rf, company):
    html = render_action(rf, None, company)
    assert f'href="{reverse("login")}?next={subject_url(company)}"' in html
    assert "<form" not in html
