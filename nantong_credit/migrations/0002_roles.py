"""Creates the role groups of SPEC §1 with their permissions.

The table and the function below are frozen copies of `nantong_credit.roles` as of issue 14: a
migration must not change meaning when live code changes later. The live table stays the one
place that says what a role may do today; `post_migrate` (`roles.sync_roles_after_migrate`)
applies it after every migrate, so a later change reaches every database without a migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# "app_label.codename" of each permission a role holds.
ROLE_PERMISSIONS = {
    "subject_user": [
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
    "requester": [
        "inquiry.add_authorization",
        "inquiry.view_authorization",
        "inquiry.add_creditreport",
    ],
    "provider_staff": [
        "collection.view_creditrecord",
        "collection.add_creditrecord",
        "collection.change_creditrecord",
        "collection.view_apitoken",
        "collection.add_apitoken",
        "collection.change_apitoken",
        "collection.view_bulkimport",
        "collection.add_bulkimport",
        # Art. 14: answer objections the center referred; Art. 16: decide repair applications.
        "objections.view_objection",
        "objections.answer_objection",
        "repair.view_repairapplication",
        "repair.decide_repair",
    ],
    "center_clerk": [
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
        # Art. 13-14: review objections within 5 working days, correct, refer.
        "objections.view_objection",
        "objections.review_objection",
        "repair.view_repairapplication",
        "repair.oversee_repair",
        # Art. 11: check signed authorization letters.
        "inquiry.view_authorization",
        "inquiry.review_letter",
        "inquiry.add_creditcommitment",
        # Art. 20: the archive register.
        "audit.view_archiveentry",
        # Organisations submitted under another name than their registered one (名称不一致).
        "collection.view_namemismatch",
    ],
    "catalog_admin": [
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
        "collection.view_compliance_report",
        "collection.view_selfdeclaration",
        "collection.change_selfdeclaration",
    ],
    "government_user": [
        "collection.view_subject",
        # Art. 12: batch credit checks of the subjects of a procurement, subsidy or evaluation.
        "inquiry.add_batchcheck",
        "inquiry.view_batchcheck",
        "inquiry.add_creditcommitment",
        "inquiry.view_creditcommitment",
    ],
    "auditor": [
        "audit.view_auditevent",
        "audit.verify_auditevent",
        "audit.view_archiveentry",
        "inquiry.view_querylog",
    ],
}


def sync_roles(apps) -> None:
    """Make each role group hold exactly the permissions above that exist at this point of the
    history (models of later migrations, and so their permissions, do not exist yet)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so that the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0002_initial"),
        ("catalog", "0002_initial"),
        ("collection", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
