"""The chart configs every dashboard hands to static/js/charts.js: plain JSON, whole-number
ticks for counts, a share's axis fixed at 0–100, no bar for a share that has no base."""

import json
from decimal import Decimal

from nantong_credit.charts import line_chart, percent_bars


def test_a_line_chart_is_plain_json_with_one_line_per_series():
    config = line_chart(["2026-09", "2026-10"], [("申请", (3, 1)), ("撤回", [0, 1])], colors=("#111111",))
    assert json.loads(json.dumps(config)) == config
    option = config["option"]
    assert option["xAxis"]["data"] == ["2026-09", "2026-10"] and option["yAxis"]["minInterval"] == 1
    assert [(s["name"], s["data"]) for s in option["series"]] == [("申请", [3, 1]), ("撤回", [0, 1])]
    assert option["color"] == ["#111111"] and option["animation"] is False
    assert "color" not in line_chart([], [])["option"]


def test_percent_bars_fix_the_axis_and_leave_out_shares_without_a_base():
    config = percent_bars(["甲", "乙"], "按时报送率", [Decimal("87.5"), None])
    assert json.loads(json.dumps(config)) == config
    option = config["option"]
    assert (option["xAxis"]["min"], option["xAxis"]["max"]) == (0, 100)
    assert option["series"][0]["data"] == [87.5, None] and option["yAxis"]["data"] == ["甲", "乙"]
