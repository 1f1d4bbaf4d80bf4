"""Demo accounts, one per role of SPEC §1 (listed in README.md)."""

from dataclasses import dataclass, field

from nantong_credit import roles

DEMO_PASSWORD = "Nantong-demo-2026"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    real_name: str
    roles: list[str] = field(default_factory=list)
    is_superuser: bool = False
    providers: list[str] = field(default_factory=list)  # provider codes whose staff the user is
    # Art. 11 lets only accounts with verified identity ask for authorized queries.
    identity_verified: bool = False


ACCOUNTS: list[AccountSpec] = [
    AccountSpec("admin", "系统管理员", is_superuser=True),
    AccountSpec("catalog_admin", "周明远", [roles.CATALOG_ADMIN]),
    AccountSpec("center_clerk", "顾晓雯", [roles.CENTER_CLERK]),
    AccountSpec("provider_staff", "陆志强", [roles.PROVIDER_STAFF], providers=["scjgj"]),
    AccountSpec("government_user", "施丽萍", [roles.GOVERNMENT_USER]),
    AccountSpec("auditor", "季永康", [roles.AUDITOR]),
    AccountSpec("subject_user", "顾海军", [roles.SUBJECT_USER]),
    AccountSpec("requester", "王一帆", [roles.REQUESTER], identity_verified=True),
]
