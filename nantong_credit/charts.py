"""Chart configurations for `static/js/charts.js` (Apache ECharts), shared by every app's pages.

A config is plain JSON handed to the page with `json_script`; the script draws it. The shapes
live here, in the kernel, so that the objection and repair dashboards and the timeliness report
draw alike and no app imports another's builder. Each chart sits beside a table of the same
figures (screen readers, print, no JavaScript), so the config carries no accessible text.
"""

from collections.abc import Sequence

ON_TIME_COLOR = "#2e7d32"
LATE_COLOR = "#c62828"


def line_chart(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence]], *, height: int = 260, colors: Sequence[str] = ()
) -> dict:
    """One line per (name, values) over the category labels (months): counts, so whole ticks.
    Without `colors`, ECharts' default palette."""
    option: dict = {"color": list(colors)} if colors else {}
    return {
        "height": height,
        "option": {
            **option,
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "category", "data": list(labels)},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"name": name, "type": "line", "data": list(data)} for name, data in series],
        },
    }


def percent_bars(
    labels: Sequence[str], name: str, values: Sequence[float | None], *, color: str = ON_TIME_COLOR
) -> dict:
    """Horizontal bars of a share in percent (0–100), one row per label; None draws no bar."""
    return {
        "height": max(160, 60 + len(labels) * 28),
        "option": {
            "animation": False,
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "grid": {"left": 8, "right": 32, "top": 16, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
            "yAxis": {
                "type": "category",
                "inverse": True,
                "data": list(labels),
                "axisLabel": {"width": 160, "overflow": "truncate"},
            },
            "series": [
                {
                    "name": name,
                    "type": "bar",
                    "data": [None if v is None else float(v) for v in values],
                    "itemStyle": {"color": color},
                    "label": {"show": True, "position": "right", "formatter": "{c}%"},
                }
            ],
        },
    }
