"""The roles of SPEC §1 as Django groups, and the permissions each one holds.

This table is the one place that says what a role may do; `sync_roles` makes the groups match
it and is called from migrations, so a fresh database has the roles without any manual step.
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

# "app_label.codename" of each permission a role holds.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    SUBJECT_USER: [],
    REQUESTER: [],
    PROVIDER_STAFF: [
        "collection.view_creditrecord",
        "collection.add_creditrecord",
        "collection.change_creditrecord",
        "collection.view_apitoken",
        "collection.add_apitoken",
        "collection.change_apitoken",
    ],
    CENTER_CLERK: [
        "collection.view_subject",
        "collection.view_creditrecord",
        "collection.change_creditrecord",
        "collection.add_annotation",
        "catalog.view_catalogversion",
        # Objection deadlines (5 working days) are computed from this calendar.
        "core.view_workdayoverride",
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
        "collection.view_creditrecord",
        "core.manage_calendar",
        "core.view_workdayoverride",
    ],
    GOVERNMENT_USER: [
        "collection.view_subject",
    ],
    AUDITOR: [
        "audit.view_auditevent",
        "audit.verify_auditevent",
    ],
}


def sync_roles(apps) -> None:
    """Create or update every role group with exactly the permissions listed above."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
