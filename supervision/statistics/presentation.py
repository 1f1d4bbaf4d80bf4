"""A stored report's content made ready for a page, a PDF or a workbook: each row with its
change against the previous period, each chartable table with its chart."""

from .charts import bar_svg, echarts_config


def change(current, previous):
    """This period minus the previous (percentage points for rates); None when one is missing."""
    if current is None or previous is None:
        return None
    difference = current - previous
    return round(difference, 1) if isinstance(difference, float) else difference


def signed(value, unit: str = "") -> str:
    if value is None:
        return "—"
    suffix = "个百分点" if unit == "%" else ""
    return f"{value:+,}{suffix}" if value else "0"


def shown(value, unit: str = "") -> str:
    return "—" if value is None else f"{value:,}{unit}"


def display_sections(data: dict, *, with_svg: bool = False, with_echarts: bool = False) -> list[dict]:
    current_label, previous_label = f"本期（{data['period']['label']}）", f"上期（{data['previous']['label']}）"
    sections = []
    for s_index, section in enumerate(data["sections"]):
        tables = []
        for t_index, table in enumerate(section["tables"]):
            unit = table["unit"]
            rows = [
                {
                    "label": label,
                    "current": shown(current, unit),
                    "previous": shown(previous, unit),
                    "change": signed(change(current, previous), unit),
                    "values": (current, previous, change(current, previous)),
                }
                for label, current, previous in table["rows"]
            ]
            entry = {**table, "rows": rows, "id": f"t{s_index}-{t_index}"}
            if table["chart"] and table["rows"]:
                labels = {"current_label": current_label, "previous_label": previous_label}
                if with_echarts:
                    entry["echarts"] = echarts_config(table, **labels)
                if with_svg:
                    entry["svg"] = bar_svg(table, **labels)
            tables.append(entry)
        sections.append({"key": section["key"], "title": section["title"], "tables": tables})
    return sections
