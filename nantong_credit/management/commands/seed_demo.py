"""`python manage.py seed_demo`: load the demo catalog, departments, accounts, subjects and
records (SPEC §6), and the demo cases of the workflows (commitments, authorizations, objections,
credit repair). Running it again changes nothing. Each app registers its own demo steps
(`nantong_credit.demo.loader`)."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from nantong_credit.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from nantong_credit.demo.loader import SeedError, SeedReport, load_demo

LABELS = {
    "accounts": "演示账号 accounts",
    "providers": "信息提供单位 providers",
    "disclosure schemes": "公示期限规则 disclosure schemes",
    "catalog versions": "目录版本 catalog versions",
    "catalog items": "目录事项 catalog items",
    "special report items": "信用代证事项 special report items",
    "credit domains": "信用代证领域 credit domains",
    "subjects": "信息主体 subjects",
    "records": "信用记录 records",
    "commitments": "信用承诺 commitments",
    "authorizations": "查询授权 authorizations",
    "agencies": "信用服务机构 credit agencies",
    "agency consents": "机构查询授权 agency consents",
    "objections": "异议 objections",
    "repair applications": "信用修复申请 repair applications",
    "case files": "案卷 case files",
}


class Command(BaseCommand):
    help = (
        "载入演示数据（目录、信息提供单位、演示账号、信息主体、信用记录和各业务流程的演示案例）；重复运行不作任何改动。"
    )

    def handle(self, *args, **options) -> None:
        try:
            report = load_demo()
        except SeedError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self._print(report)

    def _print(self, report: SeedReport) -> None:
        write = self.stdout.write
        if report.changed_anything:
            write(self.style.SUCCESS("演示数据已载入 / demo data loaded:"))
        else:
            write(self.style.SUCCESS("演示数据已存在，未作改动 / demo data already present, nothing changed."))
        for key, label in LABELS.items():
            created, existing = report.created[key], report.existing[key]
            if created or existing:
                write(f"  {label}: 新建 created {created}，已有 existing {existing}")
        for line in report.info:
            write(f"  {line}")
        for note in report.notes:
            write(self.style.WARNING(f"  {note}"))
        write(
            f"  数据库合计 totals: {_count('catalog.Provider')} 单位, "
            f"{_count('catalog.CatalogVersion')} 目录版本 / {_count('catalog.CatalogItem')} 事项, "
            f"{_count('catalog.DisclosureRule')} 规则, {_count('collection.Subject')} 主体, "
            f"{_count('collection.CreditRecord')} 记录, {_count('audit.AuditEvent')} 审计事件"
        )
        write(
            f"  业务案例合计 cases: {_count('inquiry.CreditCommitment')} 信用承诺, {_count('inquiry.Authorization')} 查询授权, "
            f"{_count('objections.Objection')} 异议, {_count('repair.RepairApplication')} 信用修复申请"
        )
        if report.created["accounts"]:
            names = "、".join(spec.username for spec in ACCOUNTS)
            write(f"  演示账号 demo accounts: {names}（初始密码 password {DEMO_PASSWORD}）")
            write(
                self.style.WARNING(
                    "  演示账号仅供演示，生产环境请勿载入 / demo accounts are for demos only, never in production."
                )
            )


def _count(model: str) -> int:
    """Rows of an app's model, named by its label: the kernel imports no app."""
    return apps.get_model(model).objects.count()
