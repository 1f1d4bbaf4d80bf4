"""The actions of the public subject page (提出异议, 申请信用修复, 申请信用报告, 关注, 打印), filled by
the apps that own them in `AppConfig.ready()`: inquiry cannot import objections or repair (they
are higher layers), so each registers a template that the page includes with its own context
(`subject`, `request`, `user`, `disclosure`, `today`, `subject_bound`). A template decides
for itself whether it applies to the viewer and renders nothing when it does not.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectAction:
    template: str
    order: int


_ACTIONS: dict[str, SubjectAction] = {}


def register(template: str, order: int) -> None:
    """Add (or re-add, idempotently: `ready()` may run twice in tests) an action's template;
    the page shows actions by `order`, then by template name."""
    _ACTIONS[template] = SubjectAction(template, order)


def templates() -> list[str]:
    return [action.template for action in sorted(_ACTIONS.values(), key=lambda a: (a.order, a.template))]
