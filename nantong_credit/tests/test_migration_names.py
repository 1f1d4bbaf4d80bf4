"""Migrations renamed to say what they do (`replaces`): a database migrated under the old names
needs nothing, and records the new names, so that later migrations find their dependencies."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

RENAMED = [
    ("collection", "0003_issue3_models", "0003_bulk_imports_declarations_bindings"),
    ("core", "0003_issue3_models", "0003_user_id_number_and_identity_check"),
    ("core", "0004_binding_evidence", "0004_one_account_per_id_number"),
    ("collection", "0005_creditrecord_suspended_since_and_more", "0005_record_suspended_since"),
]

pytestmark = pytest.mark.django_db


def _as_an_old_database_has_it(recorder: MigrationRecorder) -> None:
    for app, old, new in RENAMED:
        recorder.migration_qs.filter(app=app, name=new).delete()
        recorder.record_applied(app, old)


def test_a_database_migrated_under_the_old_names_has_nothing_to_apply():
    recorder = MigrationRecorder(connection)
    _as_an_old_database_has_it(recorder)

    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    for app, _old, new in RENAMED:
        assert (app, new) in executor.loader.applied_migrations


def test_migrate_records_the_new_names_beside_the_old():
    recorder = MigrationRecorder(connection)
    _as_an_old_database_has_it(recorder)

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    applied = recorder.applied_migrations()
    for app, old, new in RENAMED:
        assert (app, new) in applied and (app, old) in applied


def test_a_new_database_records_both_names():
    applied = MigrationRecorder(connection).applied_migrations()
    for app, old, new in RENAMED:
        assert (app, new) in applied and (app, old) in applied
