"""The demo's follows (`seed_demo`): the demo `requester` follows 南通海晟 and 南通濠河餐饮, so that
我的关注 has something to show and the follow sweep something to tell. Made by the service the
button calls; left as it is when found."""

from collection.demo.cast import Cast, demo_subject
from nantong_credit.demo.loader import DemoRun

from .models import Follow, FollowSweepState
from .services import FollowError, follow_subject
from .sweep import newest_revision_id

FOLLOWED = ("haisheng", "haohe_catering")


def ensure_follows(run: DemoRun) -> None:
    _start_after_the_seeded_records()
    cast: Cast | None = run.shared["cast"]
    if cast is None:
        return
    for key in FOLLOWED:
        subject = demo_subject(key)
        if subject is None:
            continue
        created = not Follow.objects.filter(user=cast.requester, subject=subject).exists()
        try:
            follow_subject(user=cast.requester, subject=subject)
        except FollowError as error:
            run.report.notes.append(f"未能创建演示关注：{error.message}")
            return
        run.report.count("follows", created)


def _start_after_the_seeded_records() -> None:
    """The demo's records are its history, not news: on a database the sweep has never read, it
    starts after them (else the demo agent's inbox opens with a message per seeded record)."""
    state, _created = FollowSweepState.objects.get_or_create(pk=1)
    if state.last_revision_id == 0 and state.gap_at is None:
        state.last_revision_id = newest_revision_id()
        state.save()
