"""`python manage.py setup_db_roles --app-role nantong_app --owner-role nantong_owner`

Gives the database and every table to the owner role (migrations run as it) and the app role
(web and Celery) only what it needs: SELECT and INSERT on the audit trail, no ownership, so that
it can neither change audit rows nor switch their triggers off (`audit.db_roles`). Run it as a
superuser (or as the owner role) after every `migrate`; `--sql` prints the statements instead.
PostgreSQL only; the roles must exist.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from audit.db_roles import RoleSetupError, check_roles, role_statements


class Command(BaseCommand):
    help = "设置生产数据库角色：属主角色拥有全部表，应用角色对审计表只能查询和追加（PostgreSQL）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="the role the web and Celery processes log in as")
        parser.add_argument("--owner-role", required=True, help="the role that owns the tables and runs migrations")
        parser.add_argument("--sql", action="store_true", help="print the statements, change nothing")

    def handle(self, *args, app_role: str, owner_role: str, sql: bool, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("setup_db_roles is for PostgreSQL (the embedded SQLite database has no roles)")
        with transaction.atomic(), connection.cursor() as cursor:
            try:
                check_roles(cursor, app_role=app_role, owner_role=owner_role)
            except RoleSetupError as error:
                raise CommandError(str(error)) from None
            statements = role_statements(
                cursor, app_role=app_role, owner_role=owner_role, quote=connection.ops.quote_name
            )
            for statement in statements:
                if sql:
                    self.stdout.write(f"{statement};")
                else:
                    cursor.execute(statement)
        if not sql:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{owner_role} owns the database and its {sum(s.startswith('ALTER TABLE') for s in statements)} tables; "
                    f"{app_role} may only SELECT and INSERT the audit trail."
                )
            )
