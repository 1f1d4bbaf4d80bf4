"""What each role finds on its back-office home page.

Cards only link to pages that exist. Each app registers the cards it owns, per role, in its
`AppConfig.ready()` (the kernel imports no app); `position` keeps a role's cards in a fixed order
whatever order the apps are loaded in.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from . import roles


@dataclass(frozen=True)
class Card:
    title: str
    text: str
    icon: str
    links: list[tuple[str, str]] = field(default_factory=list)


CardBuilder = Callable[..., list[Card]]

# role -> [(position, build(user) -> cards)], filled by the apps' AppConfig.ready().
_BUILDERS: dict[str, list[tuple[int, CardBuilder]]] = {}


def register_cards(role: str, build: CardBuilder, *, position: int) -> None:
    builders = _BUILDERS.setdefault(role, [])
    if all(existing is not build for _, existing in builders):
        builders.append((position, build))
        builders.sort(key=lambda entry: entry[0])


def _cards_for(role: str, user) -> list[Card]:
    return [card for _, build in _BUILDERS.get(role, []) for card in build(user)]


def calendar_cards_for_catalog_admin(user) -> list[Card]:
    return [
        Card(
            "工作日日历",
            "维护法定节假日与调休安排，录入国务院办公厅年度通知。",
            "calendar3",
            [("日历维护", reverse("calendar:overview"))],
        ),
    ]


def calendar_cards_for_clerk(user) -> list[Card]:
    return [
        Card(
            "工作日日历",
            "异议核查时限（5个工作日）按此日历计算。",
            "calendar3",
            [("查看日历", reverse("calendar:overview"))],
        ),
    ]


def register_kernel_cards() -> None:
    register_cards(roles.CATALOG_ADMIN, calendar_cards_for_catalog_admin, position=20)
    register_cards(roles.CENTER_CLERK, calendar_cards_for_clerk, position=50)


def office_cards(user) -> list[tuple[str, list[Card]]]:
    """(role label, cards) for each role the user holds, in the order of SPEC §1."""
    held = user.role_names
    sections = []
    for role, label in roles.ROLE_LABELS.items():
        if role in held or (user.is_superuser and role in _BUILDERS):
            sections.append((str(label), _cards_for(role, user)))
    return sections
