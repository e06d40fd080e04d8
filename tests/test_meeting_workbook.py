"""The meeting workbook (summary.xlsx): a title block (plan, quarter, date made,
filter), a status legend, pillar subtotals and a total whose figures are the
dashboard's, the quarter-on-quarter change, a sheet of counts by pillar whose total
is the sum of its rows, print set-up for A4 landscape fitted to the width with the
header repeated, and a file name that says the filter. Parsed back with openpyxl.
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl.worksheet.worksheet import Worksheet

from targets.exports.xlsx import MEETING_HEADER_ROW, PILLARS_HEADER_ROW, STATUS_COLOURS
from targets.models import Status

from .workbook_helpers import indicator_rows, meeting_rows, open_workbook, pillar_rows, sum_rows

XLSX_URL = "/plans/2024/export/summary.xlsx"
CSV_URL = "/plans/2024/export/summary.csv"


def _percent(fraction):
    return None if fraction is None else (fraction * 100).quantize(Decimal("0.1"))


def _number(cell):
    return None if cell.value is None else Decimal(str(cell.value))


def test_title_block_names_plan_quarter_date_filter_and_legend(leader_client, demo):
    query = "?quarter=3&pillar=P3&status=at_risk"
    sheet = open_workbook(leader_client.get(XLSX_URL + query).content).worksheets[0]
    title, line = sheet["A1"].value, sheet["A2"].value
    assert demo.name_zh in title and "3" in title
    assert "A1:U1" in {str(r) for r in sheet.merged_cells.ranges}  # across the table
    with translation.override("zh-hans"):
        assert "2024-10-08" in line
        assert f"{gettext('Pillar')}: P3 效能提升" in line
        assert f"{gettext('Status')}: {Status.AT_RISK.label}" in line
        legend = {
            cell.value: cell.fill.fgColor.rgb[-6:] for cell in sheet[3] if cell.fill.fill_type
        }
        assert legend == {str(s.label): STATUS_COLOURS[s][0] for s in Status}
    unfiltered = open_workbook(leader_client.get(XLSX_URL + "?quarter=3").content).active
    with translation.override("zh-hans"):
        assert gettext("none, every indicator") in unfiltered["A2"].value


def test_subtotals_and_totals_are_the_dashboards_and_the_sums(leader_client, demo):
    workbook = open_workbook(leader_client.get(XLSX_URL + "?quarter=3").content)
    sheet, by_pillar, _definitions = workbook.worksheets  # definitions: test_definitions.py
    overview = demo.overview(3)
    rows = list(meeting_rows(sheet))
    # Each pillar: its indicators, then its subtotal; the total closes the sheet.
    position = 0
    for pillar in overview.pillars:
        count = len(pillar.standings)
        indicators, subtotal = rows[position : position + count], rows[position + count]
        position += count + 1
        assert [r["code"].value for r in indicators] == [s.indicator.code for s in pillar.standings]
        assert subtotal["no"].value is None and subtotal["code"].value == pillar.pillar.code
        assert subtotal["indicator"].value.startswith(f"小计：{count}")
        assert subtotal["indicator"].font.bold
        assert _number(subtotal["completion"]) == _percent(pillar.progress.completion)
        assert _number(subtotal["expected"]) == _percent(pillar.progress.expected)
    total = rows[position]
    assert position + 1 == len(rows)
    assert total["indicator"].value.startswith("合计：29")
    assert _number(total["completion"]) == _percent(overview.progress.completion)

    # The by-pillar sheet: each row counts the summary's rows; the total row sums them.
    labels = {str(s.label): s.value for s in Status}
    counted = {p.pillar.code: Counter() for p in overview.pillars}
    for row in indicator_rows(sheet):
        code = row["code"].value.split("-")[0]
        counted[code]["indicators"] += 1
        counted[code][labels.get(row["status"].value, "no_status")] += 1
    *pillars, total = pillar_rows(by_pillar)
    assert [p["code"] for p in pillars] == [p.pillar.code for p in overview.pillars]
    keys = ["indicators", *Status.values, "no_status"]
    for row in pillars:
        assert {k: row[k] for k in keys} == {k: counted[row["code"]][k] for k in keys}
    assert {k: total[k] for k in keys} == {k: sum(p[k] for p in pillars) for k in keys}
    assert total["indicators"] == 29
    for key in ("milestones_met", "milestones_total"):
        assert total[key] == sum(p[key] for p in pillars)
    assert Decimal(str(total["completion"])) == _percent(overview.progress.completion)
    assert Decimal(str(total["pace_gap"])) == _percent(overview.progress.gap)


def test_a_filtered_workbook_sums_only_what_the_filter_keeps(leader_client, demo):
    sheet = open_workbook(leader_client.get(XLSX_URL + "?quarter=3&status=behind").content)
    labels = [row["indicator"].value.split("\n") for row in sum_rows(sheet.active)]
    # P1-02 and P5-03 are behind: two pillars with one each, then the total.
    assert [label[0] for label in labels] == ["小计：1项指标", "小计：1项指标", "合计：2项指标"]
    assert labels[-1][1] == f"{Status.BEHIND.label} 2"


def test_quarter_on_quarter_change(leader_client):
    sheet = open_workbook(leader_client.get(XLSX_URL + "?quarter=3").content).active
    change = {r["code"].value: r["quarter_change"].value for r in indicator_rows(sheet)}
    assert change["P1-01"] == 0  # 3 in Q2, 3 in Q3
    assert change["P1-02"] == -1  # 4, then 3
    assert change["P5-02"] == 3  # a level: 45 at the end of Q2, 48 at the end of Q3
    assert change["P3-06"] is None  # Q3 only a draft
    assert change["P1-03"] is None  # a milestone
    first = open_workbook(leader_client.get(XLSX_URL + "?quarter=1").content).active
    assert {r["quarter_change"].value for r in indicator_rows(first)} == {None}


def test_print_set_up_a4_landscape_fitted_to_the_width_header_repeated(leader_client):
    workbook = open_workbook(leader_client.get(XLSX_URL + "?quarter=3").content)
    for sheet, header in zip(
        workbook.worksheets,
        (MEETING_HEADER_ROW, PILLARS_HEADER_ROW, PILLARS_HEADER_ROW),  # and the definitions
        strict=True,
    ):
        setup = sheet.page_setup
        assert setup.orientation == "landscape"
        assert int(setup.paperSize) == int(Worksheet.PAPERSIZE_A4)  # 9
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)  # as many pages as needed
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == f"${header}:${header}"
        assert sheet.freeze_panes == f"A{header + 1}"
        assert sheet.oddFooter.center.text == "&P / &N"


@pytest.mark.parametrize(
    ("url", "query", "name"),
    [
        (XLSX_URL, "?quarter=3", "kpi-2024-Q3-2024-10-08.xlsx"),
        (XLSX_URL, "?quarter=3&pillar=P3", "kpi-2024-Q3-P3-2024-10-08.xlsx"),
        (XLSX_URL, "?quarter=3&pillar=&status=", "kpi-2024-Q3-2024-10-08.xlsx"),
        (
            CSV_URL,
            "?quarter=2&lead_section=demo-talent&kind=count&status=behind",
            "kpi-2024-Q2-demo-talent-count-behind-2024-10-08.csv",
        ),
    ],
)
def test_a_filtered_download_is_named_by_its_filter(leader_client, url, query, name):
    response = leader_client.get(url + query)
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}";')
