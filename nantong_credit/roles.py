"""The roles of SPEC §1 as Django groups, and the permissions each one holds.

This table is the one place that says what a role may do; `sync_roles` makes the groups match
it; `post_migrate` calls it after every migrate (migration 0002 holds a frozen copy of this table
as it stood in issue 14), so a fresh database has the roles without any manual step.
"""

from django.utils.translation import gettext_lazy as _

SUBJECT_USER = "subject_user"
REQUESTER = "requester"
PROVIDER_STAFF = "provider_staff"
CENTER_CLERK = "center_clerk"
CATALOG_ADMIN = "catalog_admin"
GOVERNMENT_USER = "government_user"
AUDITOR = "auditor"

ROLE_LABELS = {
    SUBJECT_USER: _("信息主体用户"),
    REQUESTER: _("查询申请人"),
    PROVIDER_STAFF: _("信息提供单位工作人员"),
    CENTER_CLERK: _("信用信息中心工作人员"),
    CATALOG_ADMIN: _("目录管理员（市经信委）"),
    GOVERNMENT_USER: _("政府部门用户"),
    AUDITOR: _("审计监督人员"),
}

# Not a group: an account that may enter the Django admin (is_staff) or holds every permission
# (is_superuser). It can read every account and, through the roles' pages, everything below.
ADMINISTRATOR = "administrator"

# Who must log in with a second factor before using the back office (issue 12): the roles that see
# other people's personal data or the audit trail. Staff of a provider read their department's
# records, natural persons' among them; the center's clerks read subjects, objections, identity
# papers and letters; the catalog admin reads every record and self-declaration; government users
# look subjects up and batch-check them; auditors read the audit trail and the query log.
# Subject users and requesters see only their own data, or what a subject authorised them to see.
# `TWO_FACTOR_REQUIRED_ROLES` says which of them a given install enforces (deploy check W005).
TWO_FACTOR_ROLES = (PROVIDER_STAFF, CENTER_CLERK, CATALOG_ADMIN, GOVERNMENT_USER, AUDITOR, ADMINISTRATOR)


def held_roles(user) -> set[str]:
    """The user's role groups, plus `ADMINISTRATOR` for an admin or superuser."""
    held = set(user.role_names)
    if user.is_staff or user.is_superuser:
        held.add(ADMINISTRATOR)
    return held


# "app_label.codename" of each permission a role holds.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    SUBJECT_USER: [
        "collection.add_selfdeclaration",
        "collection.view_selfdeclaration",
        "collection.add_subjectbinding",
        # Art. 11: grant or refuse requesters' queries; order its own credit report.
        "inquiry.change_authorization",
        "inquiry.add_creditreport",
        # Art. 13, 16: objections and repair applications against its own records.
        "objections.add_objection",
        "repair.add_repairapplication",
    ],
    REQUESTER: [
        "inquiry.add_authorization",
        "inquiry.view_authorization",
        "inquiry.add_creditreport",
        # Art. 12 para. 3: register a credit service agency, manage its API keys.
        "inquiry.add_creditagency",
        "inquiry.view_creditagency",
    ],
    PROVIDER_STAFF: [
        "collection.view_creditrecord",
        "collection.add_creditrecord",
        "collection.change_creditrecord",
        "collection.view_apitoken",
        "collection.add_apitoken",
        "collection.change_apitoken",
        "collection.view_bulkimport",
        "collection.add_bulkimport",
        # Art. 9: the department's databases the platform pulls from (数据库对接).
        "collection.view_pullsource",
        "collection.add_pullsource",
        "collection.change_pullsource",
        # Art. 14: answer objections the center referred; Art. 16: decide repair applications.
        "objections.view_objection",
        "objections.answer_objection",
        "repair.view_repairapplication",
        "repair.decide_repair",
        # Art. 22: answer the commission's 督办函; Art. 12, 18: file the department's rules.
        "supervision.view_accountabilitycase",
        "supervision.respond_accountability_case",
        "supervision.view_filing",
        "supervision.submit_filing",
    ],
    CENTER_CLERK: [
        "collection.view_subject",
        "collection.view_creditrecord",
        "collection.change_creditrecord",
        "collection.add_annotation",
        "catalog.view_catalogversion",
        # Objection deadlines (5 working days) are computed from this calendar.
        "core.view_workdayoverride",
        "collection.view_subjectbinding",
        "collection.change_subjectbinding",
        "core.verify_identity",
        # 实名核验 at the counter: its address, hours and appointment slots.
        "collection.change_servicewindow",
        # Art. 13-14: review objections within 5 working days, correct, refer.
        "objections.view_objection",
        "objections.review_objection",
        "repair.view_repairapplication",
        "repair.oversee_repair",
        # Art. 11: check signed authorization letters.
        "inquiry.view_authorization",
        "inquiry.review_letter",
        "inquiry.add_creditcommitment",
        # Art. 12 para. 3: approve credit service agencies, set their keys' quotas, revoke keys.
        "inquiry.review_creditagency",
        "inquiry.change_agencyapikey",
        # Art. 20: the archive register.
        "audit.view_archiveentry",
        # Organisations submitted under another name than their registered one (名称不一致).
        "collection.view_namemismatch",
        # Art. 9: the center links a department's database for it (数据库对接).
        "collection.view_pullsource",
        "collection.add_pullsource",
        "collection.change_pullsource",
        "collection.pull_for_any_provider",
        # Art. 20: statistical analysis reports, read and issued on demand.
        "supervision.view_statisticalreport",
        "supervision.add_statisticalreport",
    ],
    CATALOG_ADMIN: [
        "catalog.view_catalogversion",
        "catalog.add_catalogversion",
        "catalog.change_catalogversion",
        "catalog.publish_catalogversion",
        "catalog.view_catalogitem",
        "catalog.add_catalogitem",
        "catalog.change_catalogitem",
        "catalog.delete_catalogitem",
        "catalog.add_catalogfield",
        "catalog.change_catalogfield",
        "catalog.delete_catalogfield",
        "catalog.view_provider",
        "catalog.view_disclosurescheme",
        # 信用代证: the 领域 special credit reports are ordered for.
        "catalog.view_creditdomain",
        "catalog.add_creditdomain",
        "catalog.change_creditdomain",
        "collection.view_creditrecord",
        "core.manage_calendar",
        "core.view_workdayoverride",
        "collection.view_compliance_report",
        "collection.view_selfdeclaration",
        "collection.change_selfdeclaration",
        # Art. 22: accountability cases against providers; Art. 12, 18: review departments' filings.
        "supervision.view_accountabilitycase",
        "supervision.open_accountability_case",
        "supervision.view_filing",
        "supervision.review_filing",
        # Art. 20: statistical analysis reports, read and issued on demand.
        "supervision.view_statisticalreport",
        "supervision.add_statisticalreport",
    ],
    GOVERNMENT_USER: [
        "collection.view_subject",
        # Art. 12: batch credit checks of the subjects of a procurement, subsidy or evaluation.
        "inquiry.add_batchcheck",
        "inquiry.view_batchcheck",
        "inquiry.add_creditcommitment",
        "inquiry.view_creditcommitment",
        # Art. 12: an agency files its usage rules, for the department whose staff it is.
        "supervision.view_filing",
        "supervision.submit_filing",
        # 信用代证: check a special (or ordinary) credit report a company hands in.
        "inquiry.verify_in_office",
    ],
    AUDITOR: [
        "audit.view_auditevent",
        "audit.verify_auditevent",
        "audit.view_archiveentry",
        "inquiry.view_querylog",
    ],
}


def sync_roles(apps, *, strict: bool = False) -> None:
    """Create or update every role group with exactly the permissions listed above.

    Migrations call it with the historical app registry, where models of later migrations (and
    so their permissions) do not exist yet: those are skipped. After every migration has run,
    `post_migrate` calls it again with `strict=True`, which refuses a permission that does not
    exist at all (a typo in the table above).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None and strict:
                raise LookupError(f"Role {role} names unknown permission {name}")
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate is sent once per app; permissions of apps after this one are created
    later in the same loop, so create them all now, then synchronise strictly."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(global_apps, strict=True)
