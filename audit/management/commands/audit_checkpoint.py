"""`python manage.py audit_checkpoint`: anchor the audit chain's end outside the database now.

Celery beat does the same every ten minutes; the embedded mode, which has no beat, runs this
from cron. Exit status 1 when the events since the newest checkpoint do not verify (nothing is
written then).
"""

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import ChainBroken, write_checkpoint


class Command(BaseCommand):
    help = "写入审计链外部锚点：核验自上一个锚点以来的事件，并将事件数与末端哈希签名后存入 AUDIT_CHECKPOINT_DIR。"

    def handle(self, *args, **options) -> None:
        try:
            checkpoint = write_checkpoint()
        except ChainBroken as broken:
            raise CommandError(f"审计链已被破坏，未写入外部锚点。{broken.report}") from None
        if checkpoint is None:
            self.stdout.write("审计链尚无事件，无需写入外部锚点。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"外部锚点 {checkpoint.name}：{checkpoint.count} 个事件，末端事件 #{checkpoint.last_event_id}"
            )
        )
