"""Demo data: a disabled example source of 市场监管局's penalty system. The demo has no
department server, so it stays disabled, and its page says so (`PullSource.is_demo`)."""

from catalog.models import Provider
from nantong_credit.demo.loader import DemoRun

from .models import PullFormat, PullSource
from .services import save_pull_source

DEMO_URL = "https://xzcf.scjgj.nantong.example/api/credit/penalties"


def ensure_pull_source(run: DemoRun) -> None:
    provider = Provider.objects.filter(code="scjgj").first()
    if provider is None or PullSource.objects.filter(provider=provider, url=DEMO_URL).exists():
        run.report.count("pull sources", False)
        return
    save_pull_source(
        provider=provider,
        values={
            "name": "行政处罚办案系统（演示）",
            "item_code": "admin_penalty",
            "url": DEMO_URL,
            "format": PullFormat.JSON,
            "token_header": "Authorization",
            "mapping": {},
            "interval_minutes": 60,
            "enabled": False,
        },
        token="Bearer demo-token-not-a-real-secret",
        actor=run.actor,
    )
    run.report.count("pull sources", True)
