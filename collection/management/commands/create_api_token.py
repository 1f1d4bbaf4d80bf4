"""`python manage.py create_api_token --provider <code> [--name <label>]` (SPEC §6).

The key goes alone to standard output, so that a script can capture it
(`KEY=$(python manage.py create_api_token --provider scjgj)`); everything else to stderr.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Provider
from collection.services.tokens import create_api_token


class Command(BaseCommand):
    help = "为信息提供主体创建接口令牌，密钥打印到标准输出（只显示这一次）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--provider", required=True, help="信息提供主体的单位代码，如 scjgj")
        parser.add_argument("--name", default="", help="令牌名称（用途），默认为“命令行创建”加日期")

    def handle(self, *args, provider: str, name: str, **options) -> None:
        found = Provider.objects.filter(code=provider).first()
        if found is None:
            known = ", ".join(Provider.objects.filter(is_active=True).values_list("code", flat=True)[:30])
            raise CommandError(
                _("没有单位代码为“%(code)s”的信息提供主体。现有单位代码：%(known)s")
                % {"code": provider, "known": known or _("（无）")}
            )
        if not found.is_active:
            raise CommandError(
                _("信息提供主体“%(name)s”（%(code)s）已停用，不能创建令牌。") % {"name": found.name, "code": found.code}
            )
        label = name.strip() or _("命令行创建 %(date)s") % {"date": f"{timezone.localdate():%Y-%m-%d}"}
        token, key = create_api_token(provider=found, name=label)
        self.stderr.write(
            _("已为%(provider)s创建接口令牌“%(name)s”（前缀 %(prefix)s）。密钥只显示这一次，请立即妥善保存。")
            % {"provider": found.name, "name": token.name, "prefix": token.prefix}
        )
        self.stdout.write(key)
