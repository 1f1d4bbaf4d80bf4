"""Demo data of supervision: the providers' scorecard computed from the demo's records and
objections, so that `/providers/` shows figures right after `seed_demo` (the embedded mode has no
beat; `run_deadline_sweeps` refreshes them later). Recomputing writes the same figures again,
and no audit event: they are statistics, not credit information."""

from nantong_credit.demo.loader import DemoRun

from .providers.services import refresh_provider_scorecards


def ensure_scorecards(run: DemoRun) -> None:
    refresh_provider_scorecards()
