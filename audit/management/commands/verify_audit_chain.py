"""`python manage.py verify_audit_chain`: exit 0 when the audit chain is intact, 1 otherwise.

Meant for cron and monitoring as much as for people: the last line names the first broken
event, and the exit status says whether there was one.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.verification import DEFAULT_CHUNK_SIZE, verify_chain


class Command(BaseCommand):
    help = "核验审计链：逐条重算审计事件的哈希并检查链接，发现问题时以非零状态退出并指出第一个问题事件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help="每批读取的事件数（内存占用与此成正比，与事件总数无关）",
        )

    def handle(self, *args, chunk_size: int, verbosity: int, **options) -> None:
        if chunk_size < 1:
            raise CommandError("--chunk-size 必须为正整数")
        progress = self._progress if verbosity >= 2 else None
        report = verify_chain(chunk_size=chunk_size, progress=progress)
        if not report.ok:
            raise CommandError(f"审计链已被破坏，已核验 {report.checked} 个事件。{report}")
        self.stdout.write(self.style.SUCCESS(f"OK: {report}"))

    def _progress(self, checked: int) -> None:
        self.stderr.write(f"已核验 {checked} 个事件…")
