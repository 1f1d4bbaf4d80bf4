import pytest
from django.urls import reverse

from collection.models import ApiToken
from collection.services.tokens import authenticate_api_key, create_api_token
from nantong_credit import roles

pytestmark = pytest.mark.django_db


def tokens_url(code: str = "scjgj") -> str:
    return reverse("collection_office:tokens", args=[code])


def revoke_url(token: ApiToken, code: str = "scjgj") -> str:
    return reverse("collection_office:revoke_token", args=[code, token.pk])


def test_staff_see_their_providers_tokens(client, scjgj, scjgj_staff, other_provider):
    create_api_token(provider=scjgj, name="行政处罚办案系统")
    create_api_token(provider=other_provider, name="社保系统")
    client.force_login(scjgj_staff)
    response = client.get(tokens_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "南通市市场监督管理局" in page and "行政处罚办案系统" in page and "从未使用" in page
    assert "社保系统" not in page
    assert "创建新令牌" in page
    assert "no-store" in response["Cache-Control"]


def test_the_home_page_links_to_the_tokens(client, scjgj, scjgj_staff):
    client.force_login(scjgj_staff)
    assert tokens_url() in client.get(reverse("office:home")).content.decode()


def test_staff_create_a_token_and_see_the_key_once(client, scjgj, scjgj_staff):
    client.force_login(scjgj_staff)
    response = client.post(tokens_url(), {"name": "数据交换平台"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    key = response.context["new_key"]
    assert authenticate_api_key(key) == token
    page = response.content.decode()
    assert key in page and "请立即复制并妥善保存下面的密钥" in page
    assert (token.name, token.created_by) == ("数据交换平台", scjgj_staff)
    assert key not in client.get(tokens_url()).content.decode()


def test_a_token_needs_a_name(client, scjgj, scjgj_staff):
    client.force_login(scjgj_staff)
    response = client.post(tokens_url(), {"name": "  "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "该字段是必填项" in response.content.decode()


def test_staff_revoke_a_token(client, scjgj, scjgj_staff):
    token, key = create_api_token(provider=scjgj, name="旧系统")
    client.force_login(scjgj_staff)
    response = client.post(revoke_url(token), follow=True)
    assert response.redirect_chain[-1][0] == tokens_url()
    assert "已吊销接口令牌“旧系统”" in response.content.decode()
    assert authenticate_api_key(key) is None
    again = client.post(revoke_url(token), follow=True)
    assert "该令牌已吊销" in again.content.decode()


def test_revoking_needs_post(client, scjgj, scjgj_staff):
    token, key = create_api_token(provider=scjgj, name="旧系统")
    client.force_login(scjgj_staff)
    assert client.get(revoke_url(token)).status_code == 405
    assert authenticate_api_key(key) == token


def test_staff_of_another_provider_get_404(client, scjgj, rsj_staff):
    token, key = create_api_token(provider=scjgj, name="行政处罚办案系统")
    client.force_login(rsj_staff)
    assert client.get(tokens_url()).status_code == 404
    assert client.post(tokens_url(), {"name": "偷偷建的"}).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    # Nor through their own provider's address.
    assert client.post(revoke_url(token, code="rsj")).status_code == 404
    assert authenticate_api_key(key) == token and ApiToken.objects.count() == 1
    assert client.get(tokens_url("rsj")).status_code == 200


def test_a_user_without_the_permission_gets_403(client, scjgj, user_with_role):
    clerk = user_with_role("erin", roles.CENTER_CLERK)
    scjgj.staff.add(clerk)  # listed as staff, but the role may not manage tokens
    token, _key = create_api_token(provider=scjgj, name="对接")
    client.force_login(clerk)
    assert client.get(tokens_url()).status_code == 403
    assert client.post(tokens_url(), {"name": "x"}).status_code == 403
    assert client.post(revoke_url(token)).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, scjgj):
    token, _key = create_api_token(provider=scjgj, name="对接")
    for response in (client.get(tokens_url()), client.post(revoke_url(token))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_or_disabled_provider_is_404(client, scjgj, scjgj_staff):
    client.force_login(scjgj_staff)
    assert client.get(tokens_url("nope")).status_code == 404
    scjgj.is_active = False
    scjgj.save()
    assert client.get(tokens_url()).status_code == 404
