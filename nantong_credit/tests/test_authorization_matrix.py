"""The authorization matrix: every URL pattern of the project, requested as an anonymous visitor
and as every role, against the table below of who may see what (SPEC §1, issue 12).

Each pattern is filled with a real object of the kind it names (matrix_world.py), owned by
海晟 and 市场监管局, so that `other_subject_user` and `other_provider_staff` show that nobody
reaches another subject's or department's objects. Every pattern is requested with GET, and
with an empty POST (inside a savepoint that is rolled back, so no request changes the world
the next one sees).

- allowed: anything but 401, 403, 404, 405 or a redirect to a login page;
- refused: exactly those.

A pattern missing from the table fails the test: a new view is listed here, with who may use
it, before it can be merged. The admin site is one rule: only the superuser, whatever the page.
"""

import os
import time
from copy import deepcopy

import pytest
from django.db import transaction

from .matrix_world import PERSONAS, build_world, sign_in
from .url_walk import all_routes

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
GET_POST = (GET, POST)

EVERYONE = frozenset(PERSONAS)
NOBODY = frozenset()


def only(*personas: str) -> frozenset:
    assert set(personas) <= EVERYONE, personas
    return frozenset(personas)


def everyone_but(*personas: str) -> frozenset:
    assert set(personas) <= EVERYONE, personas
    return EVERYONE - set(personas)


SIGNED_IN = everyone_but("anonymous")

TOKEN_ONLY = ((), NOBODY)

# route → (methods it serves, who may use them), from SPEC §1. A method it does not serve must be
# refused to everyone (405 or a refusal). "subject_user" is the agent of 海晟, which owns every
# case, declaration, binding and report of the world; "provider_staff" works at the department
# that made its records and answers its cases.
TABLE: dict[str, tuple[tuple[str, ...], frozenset]] = {
    # The public portal (SPEC §6): anyone.
    "": (GET_POST, EVERYONE),
    "healthz": (GET_POST, EVERYONE),
    "readyz": (GET_POST, EVERYONE),
    # Decided by the client's network or a bearer token, not by role (test_metrics.py); the
    # test client comes from 127.0.0.1, a monitoring address by default.
    "metrics": ((GET,), EVERYONE),
    "api/v1/catalog/": ((GET,), EVERYONE),
    # The provider API answers department tokens only, never a browser session
    # (collection/tests/test_api_*.py hold the tokens).
    "api/v1/records/": TOKEN_ONLY,
    "api/v1/records/batch/": TOKEN_ONLY,
    "api/v1/records/revoke/": TOKEN_ONLY,
    "api/v1/records/<int:pk>/": TOKEN_ONLY,
    "api/v1/subjects/<str:code>/": ((GET,), EVERYONE),
    # The agency API answers an approved agency's keys only (inquiry/tests/test_agency_api.py).
    "api/v1/agency/subjects/<str:code>/": TOKEN_ONLY,
    "catalog/": (GET_POST, EVERYONE),
    # The site's own pages (issue 16 §5): read only.
    "regulation/": ((GET,), EVERYONE),
    "guide/": ((GET,), EVERYONE),
    "guide/<slug:slug>/": ((GET,), EVERYONE),
    "contact/": ((GET,), EVERYONE),
    "sitemap/": ((GET,), EVERYONE),
    "statistics/": ((GET,), EVERYONE),
    "statistics/data.csv": ((GET,), EVERYONE),
    # The public credit lists (issue 16 §3): read only, anyone.
    "lists/": ((GET,), EVERYONE),
    "lists/dishonesty/": ((GET,), EVERYONE),
    "lists/dishonesty/entries.csv": ((GET,), EVERYONE),
    "lists/red/": ((GET,), EVERYONE),
    "lists/red/entries.csv": ((GET,), EVERYONE),
    "subjects/": ((GET,), EVERYONE),
    "subjects/<str:code>/": ((GET,), EVERYONE),
    "subjects/<str:code>/records/<int:pk>/": ((GET,), EVERYONE),
    # 关注 (issue 16 §3): any signed-in account follows a subject with a public page; a visitor is
    # sent to log in.
    "subjects/<str:code>/follow/": ((POST,), SIGNED_IN),
    "subjects/<str:code>/unfollow/": ((POST,), SIGNED_IN),
    "account/follows/": ((GET,), SIGNED_IN),
    # The providers' public scorecard (issue 15 §2).
    "providers/": ((GET,), EVERYONE),
    "providers/<slug:code>/": ((GET,), EVERYONE),
    # Credit reports: one's own (the orderer), and a subject's own report for its agent.
    "reports/": (GET_POST, SIGNED_IN),
    "reports/verify/": (GET_POST, EVERYONE),
    "reports/new/": (GET_POST, only("subject_user")),
    # 信用代证: a special report of a subject the account acts for (another's: 404).
    "reports/special/new/": (GET_POST, only("subject_user")),
    "reports/<str:number>/": (GET_POST, only("subject_user")),
    "reports/<str:number>/download/": (GET_POST, only("subject_user")),
    # Authorized queries (Art. 11): a registered account is a requester too; each sees its own.
    "authorizations/": (GET_POST, only("center_clerk", "other_subject_user", "requester", "subject_user", "superuser")),
    "authorizations/new/": (GET_POST, only("other_subject_user", "requester", "subject_user", "superuser")),
    "authorizations/<int:pk>/": (GET_POST, only("requester")),
    "authorizations/<int:pk>/letter/": (GET_POST, only("requester")),
    # Credit service agencies (Art. 12): a requester (every registered account is one) registers
    # one; its accounts see it, its admins manage its keys.
    "agencies/": (GET_POST, only("other_subject_user", "requester", "subject_user", "superuser")),
    "agencies/register/": (GET_POST, only("other_subject_user", "requester", "subject_user", "superuser")),
    "agencies/<int:pk>/": (GET_POST, only("requester")),
    "agencies/<int:pk>/keys/<int:key_pk>/revoke/": ((POST,), only("requester")),
    # Objections (Art. 13-14) and repair (Art. 15-17): the applicant's own cases. A follow-up page
    # shows a case only to a session that entered its code; anyone else is sent back to the form.
    "objections/": (GET_POST, SIGNED_IN),
    "objections/new/": (GET_POST, only("other_subject_user", "subject_user", "superuser")),
    "objections/<int:pk>/": (GET_POST, only("subject_user")),
    "objections/<int:pk>/keep/": ((POST,), only("subject_user")),
    "objections/<int:pk>/accept/": ((POST,), only("subject_user")),
    "objections/<int:pk>/withdraw/": ((POST,), only("subject_user")),
    "objections/<int:pk>/evidence/<int:evidence_pk>/": (GET_POST, only("subject_user")),
    "objections/follow-up/": (GET_POST, EVERYONE),
    "objections/follow-up/<str:number>/": (GET_POST, EVERYONE),
    "repair/": (GET_POST, SIGNED_IN),
    "repair/new/": (GET_POST, only("subject_user")),
    "repair/<int:pk>/": (GET_POST, only("subject_user")),
    "repair/<int:pk>/withdraw/": ((POST,), only("subject_user")),
    "repair/<int:pk>/evidence/<int:evidence_pk>/": (
        GET_POST,
        only("center_clerk", "provider_staff", "subject_user", "superuser"),
    ),
    "repair/follow-up/": (GET_POST, EVERYONE),
    "repair/follow-up/<str:number>/": (GET_POST, EVERYONE),
    # One's own messages.
    "inbox/": (GET_POST, SIGNED_IN),
    "inbox/<int:pk>/open/": ((POST,), only("subject_user")),
    "inbox/read-all/": ((POST,), SIGNED_IN),
    # The back office: every signed-in account has a home there (its cards depend on its roles).
    "office/": (GET_POST, SIGNED_IN),
    # The catalog (Art. 7-8): the 经信委 edits and publishes; the center reads.
    "office/catalog/": ((GET,), only("catalog_admin", "center_clerk", "superuser")),
    "office/catalog/drafts/new/": ((POST,), only("catalog_admin", "superuser")),
    # The 领域 of special credit reports (信用代证), kept by the commission.
    "office/catalog/domains/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/domains/new/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/domains/<int:pk>/edit/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/versions/<int:number>/": ((GET,), only("catalog_admin", "center_clerk", "superuser")),
    "office/catalog/versions/<int:number>/edit/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/versions/<int:number>/diff/": ((GET,), only("catalog_admin", "center_clerk", "superuser")),
    "office/catalog/versions/<int:number>/publish/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/versions/<int:number>/items/add/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/versions/<int:number>/items/<int:item_id>/": (
        (GET,),
        only("catalog_admin", "center_clerk", "superuser"),
    ),
    "office/catalog/versions/<int:number>/items/<int:item_id>/edit/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/versions/<int:number>/items/<int:item_id>/remove/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/versions/<int:number>/items/<int:item_id>/fields/add/": (
        GET_POST,
        only("catalog_admin", "superuser"),
    ),
    "office/catalog/versions/<int:number>/items/<int:item_id>/fields/<int:field_id>/edit/": (
        GET_POST,
        only("catalog_admin", "superuser"),
    ),
    "office/catalog/versions/<int:number>/items/<int:item_id>/fields/<int:field_id>/remove/": (
        GET_POST,
        only("catalog_admin", "superuser"),
    ),
    "office/catalog/versions/<int:number>/items/<int:item_id>/fields/<int:field_id>/move/": (
        (POST,),
        only("catalog_admin", "superuser"),
    ),
    "office/catalog/versions/<int:number>/documents/add/": (GET_POST, only("catalog_admin", "superuser")),
    "office/catalog/versions/<int:number>/documents/<int:document_id>/edit/": (
        GET_POST,
        only("catalog_admin", "superuser"),
    ),
    "office/catalog/versions/<int:number>/documents/<int:document_id>/remove/": (
        GET_POST,
        only("catalog_admin", "superuser"),
    ),
    # The working-day calendar: kept by the 经信委, read by the center.
    "office/calendar/": (GET_POST, only("catalog_admin", "center_clerk", "superuser")),
    "office/calendar/notice/": ((POST,), only("catalog_admin", "superuser")),
    "office/calendar/overrides/": ((POST,), only("catalog_admin", "superuser")),
    "office/calendar/overrides/remove/": ((POST,), only("catalog_admin", "superuser")),
    # A department's own tokens, records and imports: nobody else's, not even the superuser's.
    # Names other departments gave an organisation, for the center to check (名称不一致).
    "office/collection/names/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/tokens/<slug:code>/": (GET_POST, only("provider_staff")),
    "office/collection/tokens/<slug:code>/<int:pk>/revoke/": ((POST,), only("provider_staff")),
    "office/collection/records/": (GET_POST, only("other_provider_staff", "provider_staff")),
    "office/collection/records/new/": (GET_POST, only("other_provider_staff", "provider_staff")),
    "office/collection/records/new/<slug:code>/": (GET_POST, only("other_provider_staff", "provider_staff")),
    "office/collection/records/<int:pk>/": (GET_POST, only("provider_staff")),
    "office/collection/records/<int:pk>/edit/": (GET_POST, only("provider_staff")),
    "office/collection/records/<int:pk>/revoke/": ((POST,), only("provider_staff")),
    "office/collection/imports/<slug:code>/": ((GET,), only("provider_staff")),
    "office/collection/imports/<slug:code>/new/": (GET_POST, only("provider_staff")),
    "office/collection/imports/<slug:code>/<int:pk>/": ((GET,), only("provider_staff")),
    "office/collection/imports/<slug:code>/<int:pk>/progress/": ((GET,), only("provider_staff")),
    "office/collection/imports/<slug:code>/<int:pk>/errors.xlsx": ((GET,), only("provider_staff")),
    "office/collection/imports/<slug:code>/<int:pk>/original/": ((GET,), only("provider_staff")),
    "office/collection/imports/<slug:code>/templates/<slug:item_code>.xlsx": ((GET,), only("provider_staff")),
    "office/collection/imports/<slug:code>/templates/<slug:item_code>.csv": ((GET,), only("provider_staff")),
    # Department databases (数据库对接, Art. 9): a department's own sources; the center's for any.
    "office/collection/pull/": ((GET,), only("center_clerk", "other_provider_staff", "provider_staff", "superuser")),
    "office/collection/pull/<slug:code>/": ((GET,), only("center_clerk", "provider_staff", "superuser")),
    "office/collection/pull/<slug:code>/new/": (GET_POST, only("center_clerk", "provider_staff", "superuser")),
    "office/collection/pull/<slug:code>/<int:pk>/": ((GET,), only("center_clerk", "provider_staff", "superuser")),
    "office/collection/pull/<slug:code>/<int:pk>/edit/": (
        GET_POST,
        only("center_clerk", "provider_staff", "superuser"),
    ),
    "office/collection/pull/<slug:code>/<int:pk>/pull/": ((POST,), only("center_clerk", "provider_staff", "superuser")),
    "office/collection/pull/<slug:code>/<int:pk>/reset/": (
        (POST,),
        only("center_clerk", "provider_staff", "superuser"),
    ),
    "office/collection/pull/<slug:code>/<int:pk>/runs/<int:run_pk>/": (
        (GET,),
        only("center_clerk", "provider_staff", "superuser"),
    ),
    # Timeliness report (Art. 22): the 经信委.
    "office/collection/compliance/": (GET_POST, only("catalog_admin", "superuser")),
    "office/collection/compliance/export.xlsx": (GET_POST, only("catalog_admin", "superuser")),
    # The center checks bindings and identities; the 经信委 reviews self-declarations (Art. 10).
    "office/collection/review/bindings/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/review/appointments/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/review/appointments/<int:pk>/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/review/appointments/<int:pk>/no-show/": ((POST,), only("center_clerk", "superuser")),
    "office/collection/review/window/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/review/bindings/<int:pk>/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/review/bindings/<int:pk>/approve/": ((POST,), only("center_clerk", "superuser")),
    "office/collection/review/bindings/<int:pk>/reject/": ((POST,), only("center_clerk", "superuser")),
    "office/collection/review/bindings/<int:pk>/revoke/": ((POST,), only("center_clerk", "superuser")),
    "office/collection/review/bindings/<int:pk>/evidence/<int:evidence_pk>/": (
        GET_POST,
        only("center_clerk", "superuser"),
    ),
    "office/collection/review/identities/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/review/identities/<int:pk>/": (GET_POST, only("center_clerk", "superuser")),
    "office/collection/review/declarations/": (GET_POST, only("catalog_admin", "superuser")),
    "office/collection/review/declarations/<int:pk>/": (GET_POST, only("catalog_admin", "superuser")),
    "office/collection/review/declarations/<int:pk>/originals/": ((POST,), only("catalog_admin", "superuser")),
    "office/collection/review/declarations/<int:pk>/approve/": ((POST,), only("catalog_admin", "superuser")),
    "office/collection/review/declarations/<int:pk>/reject/": ((POST,), only("catalog_admin", "superuser")),
    "office/collection/review/declarations/<int:pk>/found-false/": (GET_POST, only("catalog_admin", "superuser")),
    "office/collection/review/declarations/<int:pk>/attachments/<int:attachment_pk>/": (
        GET_POST,
        only("catalog_admin", "superuser"),
    ),
    # Audit trail for the auditor; the archive register (Art. 20) for the auditor and the center.
    "office/audit/": (GET_POST, only("auditor", "superuser")),
    "office/audit/events/<int:pk>/": (GET_POST, only("auditor", "superuser")),
    "office/audit/verify/": (GET_POST, only("auditor", "superuser")),
    "office/audit/verify/<int:pk>/": (GET_POST, only("auditor", "superuser")),
    "office/archive/": (GET_POST, only("auditor", "center_clerk", "superuser")),
    "office/archive/<str:number>/": (GET_POST, only("auditor", "center_clerk", "superuser")),
    "office/archive/<str:number>/download/": ((GET,), only("auditor", "center_clerk", "superuser")),
    # Statistical reports (Art. 20): read and issued by the center and the commission.
    "office/supervision/statistics/": ((GET,), only("catalog_admin", "center_clerk", "superuser")),
    "office/supervision/statistics/generate/": ((POST,), only("catalog_admin", "center_clerk", "superuser")),
    "office/supervision/statistics/<str:number>/": ((GET,), only("catalog_admin", "center_clerk", "superuser")),
    "office/supervision/statistics/<str:number>/report.pdf": (
        (GET,),
        only("catalog_admin", "center_clerk", "superuser"),
    ),
    "office/supervision/statistics/<str:number>/report.xlsx": (
        (GET,),
        only("catalog_admin", "center_clerk", "superuser"),
    ),
    # Written authorization letters, checked by the center.
    "office/authorizations/": (GET_POST, only("center_clerk", "superuser")),
    "office/authorizations/<int:pk>/": (GET_POST, only("center_clerk", "superuser")),
    "office/authorizations/<int:pk>/approve/": ((POST,), only("center_clerk", "superuser")),
    "office/authorizations/<int:pk>/reject/": ((POST,), only("center_clerk", "superuser")),
    "office/authorizations/<int:pk>/letter/": (GET_POST, only("center_clerk", "superuser")),
    # Credit service agencies: approved or refused by the center, which also sets key quotas.
    "office/agencies/": (GET_POST, only("center_clerk", "superuser")),
    "office/agencies/<int:pk>/": (GET_POST, only("center_clerk", "superuser")),
    "office/agencies/<int:pk>/approve/": ((POST,), only("center_clerk", "superuser")),
    "office/agencies/<int:pk>/refuse/": ((POST,), only("center_clerk", "superuser")),
    "office/agencies/keys/<int:key_pk>/quota/": ((POST,), only("center_clerk", "superuser")),
    "office/agencies/keys/<int:key_pk>/revoke/": ((POST,), only("center_clerk", "superuser")),
    # Government users' batch checks (each its own) and credit commitments (also the center).
    "office/government/": (GET_POST, only("government_user", "superuser")),
    "office/government/checks/new/": (GET_POST, only("government_user", "superuser")),
    "office/government/checks/<int:pk>/": (GET_POST, only("government_user")),
    "office/government/checks/<int:pk>/result.xlsx": (GET_POST, only("government_user")),
    "office/government/commitments/": (GET_POST, only("center_clerk", "government_user", "superuser")),
    "office/government/commitments/new/": (GET_POST, only("center_clerk", "government_user", "superuser")),
    # 信用代证: a report a company hands in, checked in the back office.
    "office/government/reports/verify/": (GET_POST, only("government_user", "superuser")),
    # Objections: the center reviews; the department the case was referred to answers.
    "office/objections/": (GET_POST, only("center_clerk", "superuser")),
    "office/objections/referred/": (GET_POST, only("other_provider_staff", "provider_staff")),
    "office/objections/dashboard/": (GET_POST, only("center_clerk", "superuser")),
    "office/objections/dashboard.xlsx": (GET_POST, only("center_clerk", "superuser")),
    "office/objections/<int:pk>/": (GET_POST, only("center_clerk", "provider_staff", "superuser")),
    "office/objections/<int:pk>/refer/": ((POST,), only("center_clerk", "superuser")),
    "office/objections/<int:pk>/reject/": ((POST,), only("center_clerk", "superuser")),
    "office/objections/<int:pk>/correct/": (GET_POST, only("center_clerk", "superuser")),
    "office/objections/<int:pk>/answer/confirmed/": ((POST,), only("provider_staff")),
    "office/objections/<int:pk>/answer/unverifiable/": ((POST,), only("provider_staff")),
    "office/objections/<int:pk>/answer/corrected/": (GET_POST, only("provider_staff")),
    "office/objections/<int:pk>/evidence/<int:evidence_pk>/": (
        GET_POST,
        only("center_clerk", "provider_staff", "superuser"),
    ),
    # Written objections received at the counter or by post: recorded, receipted and followed by the center.
    "office/objections/paper/": (GET_POST, only("center_clerk", "superuser")),
    "office/objections/<int:pk>/receipt/": (GET_POST, only("center_clerk", "superuser")),
    "office/objections/<int:pk>/reissue-code/": ((POST,), only("center_clerk", "superuser")),
    "office/objections/<int:pk>/in-writing/<slug:action>/": ((POST,), only("center_clerk", "superuser")),
    # Repair: the department that made the record decides; the center oversees.
    "office/repair/": (GET_POST, only("center_clerk", "other_provider_staff", "provider_staff", "superuser")),
    "office/repair/<int:pk>/": (GET_POST, only("center_clerk", "provider_staff", "superuser")),
    "office/repair/<int:pk>/approve/": ((POST,), only("provider_staff")),
    "office/repair/<int:pk>/reject/": ((POST,), only("provider_staff")),
    "office/repair/dashboard/": (GET_POST, only("center_clerk", "superuser")),
    "office/repair/dashboard.xlsx": (GET_POST, only("center_clerk", "superuser")),
    # Accountability (Art. 22): the 经信委 (catalog_admin) opens, issues, concludes; the department's
    # staff read their own issued cases and answer them.
    "office/supervision/cases/": (
        GET_POST,
        only("catalog_admin", "other_provider_staff", "provider_staff", "superuser"),
    ),
    "office/supervision/cases/new/": (GET_POST, only("catalog_admin", "superuser")),
    "office/supervision/cases/<int:pk>/": (GET_POST, only("catalog_admin", "provider_staff", "superuser")),
    "office/supervision/cases/<int:pk>/issue/": ((POST,), only("catalog_admin", "superuser")),
    "office/supervision/cases/<int:pk>/respond/": ((POST,), only("provider_staff")),
    "office/supervision/cases/<int:pk>/close/": ((POST,), only("catalog_admin", "superuser")),
    "office/supervision/cases/<int:pk>/withdraw/": ((POST,), only("catalog_admin", "superuser")),
    "office/supervision/cases/<int:pk>/letter/": (GET_POST, only("catalog_admin", "provider_staff", "superuser")),
    "office/supervision/cases/<int:pk>/attachments/<int:attachment_pk>/": (
        GET_POST,
        only("catalog_admin", "provider_staff", "superuser"),
    ),
    # Filings (Art. 12, 18): a department's staff file for it (a government user too, when it is
    # staff of a department); the 经信委 reviews; accepted documents are public.
    "office/supervision/filings/": (
        GET_POST,
        only("government_user", "other_provider_staff", "provider_staff", "superuser"),
    ),
    "office/supervision/filings/review/": (GET_POST, only("catalog_admin", "superuser")),
    "office/supervision/filings/<int:pk>/": (GET_POST, only("catalog_admin", "provider_staff", "superuser")),
    "office/supervision/filings/<int:pk>/accept/": ((POST,), only("catalog_admin", "superuser")),
    "office/supervision/filings/<int:pk>/return/": ((POST,), only("catalog_admin", "superuser")),
    "office/supervision/filings/<int:pk>/document/": (
        GET_POST,
        only("catalog_admin", "provider_staff", "superuser"),
    ),
    "filings/": (GET_POST, EVERYONE),
    "filings/<int:pk>/document/": (GET_POST, EVERYONE),
    # The API's documentation is public.
    "api/schema/": ((GET,), EVERYONE),
    "api/docs/": ((GET,), EVERYONE),
    "api/redoc/": ((GET,), EVERYONE),
    # 我的信用: a subject's own records, who looked at them, and the requests to answer.
    "account/credit/": (GET_POST, SIGNED_IN),
    "account/credit/<int:pk>/": (GET_POST, only("subject_user")),
    "account/credit/<int:pk>/views/": (GET_POST, only("subject_user")),
    "account/credit/<int:subject_pk>/authorizations/<int:pk>/": (GET_POST, only("subject_user")),
    "account/credit/<int:subject_pk>/authorizations/<int:pk>/grant/": ((POST,), only("subject_user")),
    "account/credit/<int:subject_pk>/authorizations/<int:pk>/refuse/": ((POST,), only("subject_user")),
    "account/credit/<int:subject_pk>/authorizations/<int:pk>/revoke/": ((POST,), only("subject_user")),
    # Registered accounts: bindings and self-declarations, each its own.
    "account/": (GET_POST, SIGNED_IN),
    "account/register/": (GET_POST, EVERYONE),
    # 实名核验: where and when for everyone signed in; booking for an unverified registered
    # person only (none of the personas), and each person cancels only its own appointment.
    "account/identity/": {GET: SIGNED_IN, POST: NOBODY},
    "account/identity/appointments/<int:pk>/cancel/": ((), NOBODY),
    "account/bindings/new/": (GET_POST, only("other_subject_user", "subject_user", "superuser")),
    "account/bindings/<int:pk>/": (GET_POST, only("subject_user")),
    "account/bindings/<int:pk>/evidence/<int:evidence_pk>/": (GET_POST, only("subject_user")),
    "account/declarations/": (GET_POST, SIGNED_IN),
    "account/declarations/new/": (GET_POST, only("other_subject_user", "subject_user", "superuser")),
    "account/declarations/new/<int:subject_pk>/<slug:item_code>/": (GET_POST, only("subject_user")),
    "account/declarations/<int:pk>/": (GET_POST, only("subject_user")),
    "account/declarations/<int:pk>/attachments/<int:attachment_pk>/": (GET_POST, only("subject_user")),
    # Signing in and out, the second factor, the password.
    "accounts/login/": (GET_POST, EVERYONE),
    # Only between password and code of a login with a second factor (test_two_factor.py).
    "accounts/login/verify/": ((), NOBODY),
    "accounts/two-factor/": (GET_POST, SIGNED_IN),
    "accounts/logout/": ((POST,), EVERYONE),
    "accounts/password/": (GET_POST, SIGNED_IN),
    "accounts/password/done/": ((GET,), SIGNED_IN),
    # 忘记密码: open to everyone; a link that is not valid shows that it is not.
    "accounts/password/reset/": (GET_POST, EVERYONE),
    "accounts/password/reset/sent/": ((GET,), EVERYONE),
    "accounts/password/reset/<uidb64>/<token>/": (GET_POST, EVERYONE),
    "accounts/password/reset/done/": ((GET,), EVERYONE),
    # Recovery codes: an account without two-factor login is sent to turn it on; the download
    # only while new codes wait in the session that made them (test_recovery_codes.py).
    "accounts/two-factor/recovery-codes/": (GET_POST, SIGNED_IN),
    "accounts/two-factor/recovery-codes/download/": ((), NOBODY),
}


def is_admin(route: str) -> bool:
    return route.startswith("admin/")


# The admin site has one gate (is_staff, and only the superuser is staff) and then each model's
# own permissions: records, cases, the audit trail and the catalog are changed through the
# services only, so their admins only show; axes' logs are written by axes alone.
ADMIN = {
    # The admin has no login form: everyone is sent to the portal's (two-factor) login; the
    # superuser, already admitted, to the admin's index.
    "admin/login/": (GET_POST, only("superuser")),
    # Logging out is a POST; a GET is refused (405) to the superuser, and anyone else is sent to
    # the admin's index, which asks them to log in.
    "admin/logout/": {GET: everyone_but("superuser"), POST: EVERYONE},
    "admin/jsi18n/": ((GET,), only("superuser")),
    "admin/password_change/done/": ((GET,), only("superuser")),
    # Need a field to complete / a model with a public page / an admin page that exists.
    "admin/autocomplete/": ((), NOBODY),
    "admin/r/<path:content_type_id>/<path:object_id>/": ((), NOBODY),
    "admin/(?P<url>.*)$": ((), NOBODY),
}
ADMIN_VIEW_ONLY = {
    "core/holidaynotice",
    "core/workdayoverride",
    "audit/auditevent",
    "audit/chainverification",
    "catalog/catalogversion",
    "catalog/catalogitem",
    "collection/subject",
    "collection/creditrecord",
    "collection/apitoken",
    "objections/objection",
    "repair/repairapplication",
}
ADMIN_NO_ADD = ADMIN_VIEW_ONLY | {"axes/accessattempt", "axes/accesslog", "axes/accessfailurelog"}
SUPERUSER = only("superuser")


def allowed_to(route: str, method: str) -> frozenset:
    """Who the table lets use `route` with `method`."""
    rule = expectation(route)
    if isinstance(rule, dict):
        return rule.get(method, NOBODY)
    methods, allowed = rule
    return allowed if method in methods else NOBODY


def expectation(route: str):
    if route in TABLE:
        return TABLE[route]
    if not is_admin(route):
        raise KeyError(route)
    if route in ADMIN:
        return ADMIN[route]
    model = "/".join(route.split("/")[1:3])
    if route.endswith("/add/") and model in ADMIN_NO_ADD:
        return (), NOBODY
    if route.endswith("/delete/") and model in ADMIN_VIEW_ONLY:
        return (), NOBODY
    if route.endswith("/change/") and model in ADMIN_VIEW_ONLY:
        return (GET,), SUPERUSER
    return GET_POST, SUPERUSER


# --- Filling the patterns ------------------------------------------------------------------------


def arguments(route: str, w) -> dict:
    """The value of each path parameter of `route`: the world's object of the kind it names."""
    o = w.objects
    rules = [
        ("api/v1/records/", {"pk": o["record"].pk}),
        ("guide/", {"slug": "objection"}),
        ("api/v1/subjects/", {"code": o["company"].code}),
        ("api/v1/agency/", {"code": o["company"].code}),
        ("agencies/", {"pk": o["agency"].pk, "key_pk": o["agency_key"].pk}),
        ("office/agencies/", {"pk": o["agency"].pk, "key_pk": o["agency_key"].pk}),
        ("subjects/", {"code": o["company"].code, "pk": o["record"].pk}),
        ("providers/", {"code": o["provider"].code}),
        ("reports/", {"number": o["report"].number}),
        ("authorizations/", {"pk": o["authorization"].pk}),
        ("authorizations/<int:pk>/letter/", {"pk": o["letter"].pk}),
        (
            "objections/",
            {"pk": o["objection"].pk, "evidence_pk": o["objection_evidence"].pk, "number": o["objection"].number},
        ),
        ("repair/", {"pk": o["repair"].pk, "evidence_pk": o["repair_evidence"].pk, "number": o["repair"].number}),
        ("inbox/", {"pk": o["notification"].pk}),
        (
            "office/catalog/",
            {
                "number": o["draft"].number,
                "item_id": o["draft_item"].pk,
                "field_id": o["draft_field"].pk,
                "document_id": o["draft_document"].pk,
            },
        ),
        ("office/catalog/domains/", {"pk": o["domain"].pk}),
        ("office/collection/tokens/", {"code": o["provider"].code, "pk": o["token"].pk}),
        (
            "office/collection/pull/",
            {"code": o["provider"].code, "pk": o["pull_source"].pk, "run_pk": o["pull_run"].pk},
        ),
        ("office/collection/records/", {"pk": o["record"].pk, "code": o["penalty_item"].code}),
        (
            "office/collection/imports/",
            {"code": o["provider"].code, "pk": o["bulk_import"].pk, "item_code": o["penalty_item"].code},
        ),
        ("office/collection/review/bindings/", {"pk": o["binding"].pk, "evidence_pk": o["binding_evidence"].pk}),
        ("office/collection/review/identities/", {"pk": o["unverified_user"].pk}),
        ("office/collection/review/appointments/", {"pk": o["appointment"].pk}),
        ("account/identity/", {"pk": o["appointment"].pk}),
        ("office/collection/review/declarations/", {"pk": o["declaration"].pk, "attachment_pk": o["attachment"].pk}),
        ("office/audit/events/", {"pk": o["audit_event"].pk}),
        ("office/audit/verify/", {"pk": o["chain_verification"].pk}),
        ("office/archive/", {"number": o["archive_entry"].number}),
        ("office/archive/<str:number>/download/", {"number": o["archived_case_file"].number}),
        ("office/supervision/statistics/", {"number": o["statistical_report"].number}),
        ("office/authorizations/", {"pk": o["letter"].pk}),
        ("office/government/", {"pk": o["batch_check"].pk}),
        ("office/objections/", {"pk": o["objection"].pk, "evidence_pk": o["objection_evidence"].pk}),
        ("office/objections/<int:pk>/receipt/", {"pk": o["paper_objection"].pk}),
        ("office/objections/<int:pk>/reissue-code/", {"pk": o["paper_objection"].pk}),
        ("office/objections/<int:pk>/in-writing/", {"pk": o["paper_objection"].pk, "action": "withdraw"}),
        ("office/repair/", {"pk": o["repair"].pk}),
        (
            "office/supervision/cases/",
            {"pk": o["accountability_case"].pk, "attachment_pk": o["accountability_attachment"].pk},
        ),
        ("office/supervision/filings/", {"pk": o["filing"].pk}),
        ("filings/", {"pk": o["filing"].pk}),
        ("account/credit/", {"pk": o["company"].pk, "subject_pk": o["company"].pk}),
        ("account/credit/<int:subject_pk>/authorizations/", {"pk": o["authorization"].pk}),
        ("account/bindings/", {"pk": o["binding"].pk, "evidence_pk": o["binding_evidence"].pk}),
        (
            "account/declarations/",
            {
                "pk": o["declaration"].pk,
                "attachment_pk": o["attachment"].pk,
                "subject_pk": o["company"].pk,
                "item_code": "commendation",
            },
        ),
        ("accounts/password/reset/", {"uidb64": "MQ", "token": "set-password"}),
        ("admin/r/", {"content_type_id": o["content_type"].pk, "object_id": o["company"].pk}),
        ("admin/core/user/", {"id": w.users["subject_user"].pk, "object_id": w.users["subject_user"].pk}),
        ("admin/otp_totp/", {"pk": w.users["superuser"].totpdevice_set.first().pk}),
    ]
    values: dict = {}
    for prefix, given in rules:  # later, longer prefixes override earlier ones
        if route.startswith(prefix.split("<")[0]) and (("<" not in prefix) or route.startswith(prefix)):
            values.update(given)
    return values


ADMIN_MODELS = {
    "auth/group": "group",
    "axes/accessattempt": "access_attempt",
    "axes/accesslog": "access_log",
    "axes/accessfailurelog": "access_failure_log",
    "otp_totp/totpdevice": "totp_device",
    "core/holidaynotice": "holiday_notice",
    "core/workdayoverride": "workday_override",
    "audit/auditevent": "audit_event",
    "audit/chainverification": "chain_verification",
    "catalog/provider": "provider",
    "catalog/disclosurescheme": "scheme",
    "catalog/catalogversion": "published",
    "catalog/catalogitem": "penalty_item",
    "collection/subject": "company",
    "collection/creditrecord": "record",
    "collection/apitoken": "token",
    "objections/objection": "objection",
    "repair/repairapplication": "repair",
}
# Regex patterns of the admin site, given one concrete address each.
REGEX_ROUTES = {
    "admin/^(?P<app_label>auth|axes|otp_totp|core|audit|catalog|collection|objections|repair)/$": "/admin/catalog/",
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
}


# Pages that take what they work on from the query string.
QUERIES = {
    "reports/new/": lambda w: f"?subject={w.objects['company'].pk}",
    "reports/special/new/": lambda w: f"?subject={w.objects['company'].pk}",
    "repair/new/": lambda w: f"?record={w.objects['repairable_record'].pk}",
}


def concrete_path(route: str, w) -> str:
    if route in REGEX_ROUTES:
        return REGEX_ROUTES[route]
    if route in QUERIES:
        return "/" + route + QUERIES[route](w)
    values = arguments(route, w)
    model = next((key for key in ADMIN_MODELS if route.startswith(f"admin/{key}/")), None)
    if model:
        values.setdefault("object_id", _admin_object(w, ADMIN_MODELS[model]).pk)
    path = route
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        name = path[start + 1 : end].split(":")[-1]
        assert name in values, f"no value for <{name}> of {route}: add it to arguments()"
        path = path[:start] + str(values[name]) + path[end + 1 :]
    return "/" + path


def _admin_object(w, key: str):
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    special = {"group": Group.objects.first, "totp_device": TOTPDevice.objects.first}
    return special[key]() if key in special else w.objects[key]


# --- Requesting ----------------------------------------------------------------------------------

LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


def refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and location.split("?")[0].endswith(LOGIN_PAGES)


def request(client, method: str, path: str):
    if method == GET:
        return client.get(path)
    cookies = deepcopy(client.cookies)  # a POST to logout or login must not end the persona's session
    with transaction.atomic():
        response = client.post(path, {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


@pytest.fixture
def world(settings):
    settings.PUBLIC_SEARCH_RATE = settings.PUBLIC_SUBJECT_RATE = settings.PUBLIC_VERIFY_RATE = "off"
    settings.PUBLIC_LISTS_RATE = "off"
    # Sessions in the cookie: one query less for each of the ~4,000 requests; who may see what
    # does not depend on where a session is kept.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    return build_world()


@pytest.fixture
def clients(world):
    from django.test import Client

    signed = {}
    for persona in PERSONAS:
        signed[persona] = Client(raise_request_exception=False)
        if persona != "anonymous":
            sign_in(signed[persona], world.users[persona])
    return signed


def personas_for(route: str, method: str, clients: dict) -> dict:
    """Everyone, except that an empty POST to the admin site is sent only by the superuser and
    an anonymous visitor: for everyone else the site's one gate (is_staff) answers GET and POST
    alike, and GET already shows it."""
    if method == POST and is_admin(route):
        return {p: c for p, c in clients.items() if p in ("anonymous", "superuser")}
    return clients


def test_every_url_answers_only_those_the_table_allows(world, clients):
    routes = all_routes()
    unlisted = [r.route for r in routes if r.route not in TABLE and not is_admin(r.route)]
    observed: dict[tuple[str, str], set] = {}
    problems = []
    timing = {}
    for route in routes:
        path = concrete_path(route.route, world)
        for method in GET_POST:
            started = time.perf_counter()
            for persona, client in personas_for(route.route, method, clients).items():
                response = request(client, method, path)
                if response.status_code >= 500:
                    problems.append(f"{method} {path} as {persona}: {response.status_code}")
                if not refused(response):
                    observed.setdefault((route.route, method), set()).add(persona)
            timing[(route.route, method)] = time.perf_counter() - started
    if os.environ.get("MATRIX_DISCOVER"):
        _print_observed(routes, observed)
        for key, seconds in sorted(timing.items(), key=lambda kv: -kv[1])[:25]:
            print(f"TIME {seconds:6.2f}s {key}")
        print("TIME total", sum(timing.values()), "admin", sum(v for k, v in timing.items() if is_admin(k[0])))
    for route in routes:
        if route.route in unlisted:
            continue
        for method in GET_POST:
            got = observed.get((route.route, method), set())
            want = allowed_to(route.route, method) & set(personas_for(route.route, method, clients))
            for persona in sorted(got - want):
                problems.append(f"LEAK {method} /{route.route} answered {persona}")
            for persona in sorted(want - got):
                problems.append(f"refused {method} /{route.route} to {persona}, whom the table allows")
    problems += [f"missing from the matrix TABLE: {route}" for route in unlisted]
    assert not problems, "\n".join(problems)


def _print_observed(routes, observed) -> None:
    for route in routes:
        if is_admin(route.route):
            continue
        get, post = observed.get((route.route, GET), set()), observed.get((route.route, POST), set())
        print(f"MATRIX {route.route!r}: GET={sorted(get)} POST={sorted(post)}")
