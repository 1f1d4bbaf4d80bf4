"""Charts of a report's tables: an ECharts option for the page (drawn by static/js/charts.js)
and an SVG drawn here for the PDF.

The SVG is written by hand rather than by a charting library: a report needs one chart shape
(grouped horizontal bars, this period against the previous one), which is some fifty lines of
coordinates, and WeasyPrint draws plain SVG faithfully; a library (pygal, matplotlib) would add
a dependency, its own fonts and styles to fight for the CJK faces, for no chart we draw.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

CURRENT_COLOR = "#1f5fa8"
PREVIOUS_COLOR = "#9db9d9"
ROW_HEIGHT = 26
BAR_HEIGHT = 9


def _values(table: dict) -> tuple[list[str], list, list]:
    rows = table["rows"]
    return [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows]


def echarts_config(table: dict, *, current_label: str, previous_label: str) -> dict:
    """{"height", "option"} for static/js/charts.js: grouped horizontal bars, one row per label."""
    labels, current, previous = _values(table)
    axis_name = "%" if table["unit"] == "%" else ""
    return {
        "height": max(160, 70 + len(labels) * 2 * 16),
        "option": {
            "animation": False,
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"data": [current_label, previous_label], "top": 0},
            "grid": {"left": 8, "right": 24, "top": 32, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "value", "name": axis_name, "minInterval": 1 if not axis_name else 0},
            "yAxis": {
                "type": "category",
                "inverse": True,
                "data": labels,
                "axisLabel": {"width": 150, "overflow": "truncate"},
            },
            "series": [
                {"name": current_label, "type": "bar", "data": current, "itemStyle": {"color": CURRENT_COLOR}},
                {"name": previous_label, "type": "bar", "data": previous, "itemStyle": {"color": PREVIOUS_COLOR}},
            ],
        },
    }


@dataclass(frozen=True)
class SvgLayout:
    width: int = 640
    label_width: int = 210
    value_width: int = 60
    top: int = 24


def bar_svg(table: dict, *, current_label: str, previous_label: str, layout: SvgLayout = SvgLayout()) -> str:
    """Grouped horizontal bars as an SVG document (for WeasyPrint)."""
    labels, current, previous = _values(table)
    peak = max([v for v in current + previous if v is not None] or [0]) or 1
    span = layout.width - layout.label_width - layout.value_width
    height = layout.top + len(labels) * ROW_HEIGHT + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" height="{height}" '
        f'viewBox="0 0 {layout.width} {height}" font-family="Noto Sans CJK SC" font-size="11">',
        _legend(current_label, previous_label, layout),
    ]
    for index, label in enumerate(labels):
        y = layout.top + index * ROW_HEIGHT
        parts.append(
            f'<text x="{layout.label_width - 6}" y="{y + ROW_HEIGHT / 2 + 4:.1f}" text-anchor="end">{escape(_short(label))}</text>'
        )
        for offset, value, color in (
            (3, current[index], CURRENT_COLOR),
            (3 + BAR_HEIGHT + 1, previous[index], PREVIOUS_COLOR),
        ):
            length = 0 if value is None else span * value / peak
            parts.append(
                f'<rect x="{layout.label_width}" y="{y + offset}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{color}"/>'
            )
            text = "—" if value is None else f"{value}{table['unit']}"
            parts.append(
                f'<text x="{layout.label_width + length + 4:.1f}" y="{y + offset + 8}" font-size="9">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _legend(current_label: str, previous_label: str, layout: SvgLayout) -> str:
    x = layout.label_width
    # 11 px a character at this size (CJK glyphs are square), then a gap before the second key.
    second = x + 14 + len(current_label) * 11 + 16
    return (
        f'<rect x="{x}" y="4" width="10" height="10" fill="{CURRENT_COLOR}"/>'
        f'<text x="{x + 14}" y="13">{escape(current_label)}</text>'
        f'<rect x="{second}" y="4" width="10" height="10" fill="{PREVIOUS_COLOR}"/>'
        f'<text x="{second + 14}" y="13">{escape(previous_label)}</text>'
    )


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
