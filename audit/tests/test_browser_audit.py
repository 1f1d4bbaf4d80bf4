"""The auditor verifies the chain in a real browser; a chain moved back is named by its checkpoint."""

import pytest

from audit.checkpoints import write_checkpoint

from .factories import make_chain
from .tampering import delete_events, move_head

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_auditor_sees_the_checkpoint_and_a_verification_that_names_it(
    page,
    live_server,
    login_in_browser,
    auditor,
    eager_celery,
    screenshot,
):
    events = make_chain(4)
    checkpoint = write_checkpoint()
    login_in_browser(page, auditor)

    page.goto(f"{live_server.url}/office/audit/verify/")
    assert page.get_by_text(f"共 4 个事件（{checkpoint.name}）").is_visible()
    screenshot(page, "audit-verify")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "audit-verify")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="开始核验").click()
    assert page.get_by_text("与 1 个外部锚点一致").is_visible()
    screenshot(page, "audit-verified")

    delete_events(events[3].pk)
    move_head(last_event_id=events[2].pk, last_hash=events[2].hash, event_count=3)
    page.goto(f"{live_server.url}/office/audit/verify/")
    page.get_by_role("button", name="开始核验").click()
    alert = page.get_by_role("alert")
    assert f"少于外部锚点 {checkpoint.name}" in alert.inner_text()
    screenshot(page, "audit-broken")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "audit-broken")

    page.goto(f"{live_server.url}/office/audit/events/{events[0].pk}/")
    assert page.get_by_text(f"HMAC-SHA256，密钥编号 {events[0].key_id}").is_visible()
    screenshot(page, "audit-event")
