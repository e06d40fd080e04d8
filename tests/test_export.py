"""Meeting exports: the summary as CSV and XLSX, safe to open in Excel and WPS.

The bytes are parsed back: BOM, header, CRLF, one row per indicator with the
figures and statuses of the status rule, the file name; formula injection in
every text; the dashboard's filters; the workbook's types, frozen header and
colours; a fixed number of queries; login required. The raw reports and the
change history are in test_export_history.py.
"""

import codecs
import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Section
from targets.exports.base import content_disposition
from targets.exports.cells import neutralise, one_decimal, plain_number
from targets.exports.csvfile import csv_cell, csv_chunks
from targets.exports.summary import SUMMARY_COLUMNS
from targets.exports.table import NUMBER, PERCENT, TEXT, Column, Row, Table
from targets.exports.xlsx import MEETING_HEADER_ROW, STATUS_COLOURS, row_height, workbook_bytes
from targets.filters import IndicatorFilter
from targets.models import Indicator, PlanElement, QuarterlyReport, Status
from targets.models.freshness import bump

from .workbook_helpers import PILLARS_HEADER_ROW, indicator_rows, open_workbook

CSV_URL = "/plans/2024/export/summary.csv"
XLSX_URL = "/plans/2024/export/summary.xlsx"
EXPORT_URLS = [
    CSV_URL,
    XLSX_URL,
    "/plans/2024/export/reports.csv",
    "/plans/2024/export/history.csv",
]
KEYS = [column.key for column in SUMMARY_COLUMNS]
# Every character a text cell must not start with (OWASP, plus LF and NUL).
DANGEROUS = [
    *("=", "+", "-", "@", "\t", "\r", "\n", "\0"),
    # Full-width triggers, and blank or invisible characters an import may drop
    # (ideographic space, NBSP, zero-width space/joiner, BOM, a space) before one.
    *("＝", "＋", "－", "＠", "\u3000=", "\u00a0+", "\u200b=", "\u200d@", "\u2060-", " ="),
]
# NUL cannot be stored in PostgreSQL text, so the database round trips use the rest
# of the single characters and two of the look-alikes (the unit tests try them all).
DANGEROUS_STORABLE = [c for c in DANGEROUS[:8] if c != "\0"] + ["＝", "\u3000="]
HEADER_MSGIDS = [
    "No.",
    "Code",
    "Pillar",
    "Indicator",
    "Unit",
    "Comparison",
    "Annual target",
    "Target revision",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "Year to date",
    "Completion (%)",
    "Expected by quarter (%)",
    "Status",
    "Lead units",
    "Progress",
    "Problems",
    "Next steps",
    "Approval state",
]


def sheet_title(year, quarter):
    """The sheet's title in the language of the request (Chinese by default)."""
    return gettext("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def parse_csv(content):
    """(header, rows as dicts by column key) of a summary CSV, checking the framing."""
    assert content.startswith(codecs.BOM_UTF8)
    assert content.count(codecs.BOM_UTF8) == 1
    text = content[len(codecs.BOM_UTF8) :].decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return header, [dict(zip(KEYS, row, strict=True)) for row in rows]


def open_xlsx(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def expected_standings(plan, quarter=3):
    return {s.indicator.code: s for s in plan.indicators.all().standings(quarter)}


# -- URLs and access ----------------------------------------------------------


def test_export_urls_are_readable():
    assert reverse("targets:export", args=[2024, "summary.csv"]) == CSV_URL
    assert reverse("targets:export", args=[2024, "summary.xlsx"]) == XLSX_URL
    assert reverse("targets:export", args=[2024, "reports.csv"]) == "/plans/2024/export/reports.csv"
    assert reverse("targets:export", args=[2024, "history.csv"]) == "/plans/2024/export/history.csv"


@pytest.mark.parametrize("url", EXPORT_URLS)
def test_anonymous_is_sent_to_login(personas, url):
    response = personas["anonymous"].get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["admin", "leader", "reviewer", "staff", "staff2"])
@pytest.mark.parametrize("url", EXPORT_URLS)
def test_every_signed_in_persona_may_export(personas, persona, url):
    response = personas[persona].get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]  # not left in a shared cache


@pytest.mark.parametrize("url", EXPORT_URLS)
def test_exports_are_read_only(leader_client, url):
    assert leader_client.post(url).status_code == 405


def test_unknown_plan_is_not_found(leader_client):
    for url in EXPORT_URLS:
        assert leader_client.get(url.replace("2024", "1999")).status_code == 404


@pytest.mark.parametrize("bad", ["0", "5", "x", "-1"])
@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_bad_quarter_is_not_found(leader_client, url, bad):
    assert leader_client.get(f"{url}?quarter={bad}").status_code == 404


@pytest.mark.parametrize("query", ["pillar=P9", "lead_section=nobody", "kind=x", "status=great"])
def test_unknown_filter_is_not_found_rather_than_ignored(leader_client, query):
    assert leader_client.get(f"{CSV_URL}?quarter=3&{query}").status_code == 404


# -- The summary CSV ----------------------------------------------------------


def test_csv_framing_bom_crlf_header_and_file_name(leader_client):
    response = leader_client.get(CSV_URL + "?quarter=3")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="kpi-2024-Q3-2024-10-08.csv"; '
        "filename*=UTF-8''kpi-2024-Q3-2024-10-08.csv"
    )
    content = response.content
    text = content.decode("utf-8")
    # The demo's narratives hold no line breaks: every line end is CRLF.
    assert text.count("\n") == text.count("\r\n") == 30
    assert text.endswith("\r\n")
    header, rows = parse_csv(content)
    with translation.override("zh-hans"):
        assert header == [gettext(msgid) for msgid in HEADER_MSGIDS]
    assert len(rows) == 29
    assert [row["no"] for row in rows] == [str(n) for n in range(1, 30)]
    assert "None" not in text


def test_csv_rows_carry_the_status_rule(leader_client, demo):
    _header, rows = parse_csv(leader_client.get(CSV_URL + "?quarter=3").content)
    standings = expected_standings(demo)
    assert [row["code"] for row in rows] == list(standings)  # plan order
    for row in rows:
        s = standings[row["code"]]
        indicator = s.indicator
        assert row["indicator"] == indicator.name
        assert row["status"] == (s.status_label and str(s.status_label))
        assert row["completion"] == ("" if s.completion is None else f"{s.completion_percent}")
        assert row["expected"] == ("" if s.expected is None else f"{s.expected_percent}")
        if indicator.has_figure:
            assert row["year_to_date"] == ("" if s.actual is None else plain_number(s.actual))
            for q in (1, 2, 3):
                value = s.quarter_values.get(q)
                assert row[f"q{q}"] == ("" if value is None else plain_number(value))
        assert row["q4"] == ""  # not yet, as of Q3


def test_csv_worked_examples_of_the_readme(leader_client):
    _header, rows = parse_csv(leader_client.get(CSV_URL + "?quarter=3").content)
    by_code = {row["code"]: row for row in rows}
    p304 = by_code["P3-04"]
    assert [p304[k] for k in ("unit", "comparison", "target", "q1", "q2", "q3")] == [
        "家",
        "≥",
        "10",
        "2",
        "2",
        "3",
    ]
    assert (p304["year_to_date"], p304["completion"], p304["expected"]) == ("7", "70.0", "75.0")
    assert p304["status"] == str(Status.AT_RISK.label)
    assert p304["approval_state"] == str(QuarterlyReport.State.SUBMITTED.label)
    assert p304["lead_section"] == "平台建设科(示例)"
    assert p304["progress"] == "(示例)第3季度按计划推进相关工作。"
    # level 100 against "> 100", no baseline: judged against the target alone, not met
    p504 = by_code["P5-04"]
    assert (p504["comparison"], p504["year_to_date"], p504["status"]) == (
        ">",
        "100",
        str(Status.AT_RISK.label),
    )
    assert by_code["P5-03"]["status"] == str(Status.BEHIND.label)
    assert by_code["P2-01"]["year_to_date"].endswith("(2024-03-26)")  # milestone, done
    assert by_code["P2-01"]["q1"] == str(QuarterlyReport.MilestoneState.DONE.label)
    assert by_code["P1-03"]["q3"] == str(QuarterlyReport.MilestoneState.IN_PROGRESS.label)
    # A qualitative indicator: no figures, no status, only its narrative.
    p104 = by_code["P1-04"]
    assert [p104[k] for k in ("target", "q1", "year_to_date", "completion", "status")] == [""] * 5
    assert p104["next_steps"]
    # Monitored: figures, no target nor status.
    assert (by_code["P2-04"]["year_to_date"], by_code["P2-04"]["status"]) == ("67", "")


def test_draft_of_the_quarter_shows_its_state_but_not_its_text(leader_client):
    _header, rows = parse_csv(leader_client.get(CSV_URL + "?quarter=3").content)
    p306 = next(row for row in rows if row["code"] == "P3-06")  # Q3 only a draft
    assert p306["status"] == str(Status.NOT_REPORTED.label)
    assert p306["q3"] == ""
    assert p306["approval_state"] == str(QuarterlyReport.State.DRAFT.label)
    assert (p306["progress"], p306["problems"], p306["next_steps"]) == ("", "", "")


def test_numbers_are_plain(leader_client, demo):
    Indicator.objects.filter(plan=demo, code="P1-01").update(target=Decimal("1234567.50"))
    _header, rows = parse_csv(leader_client.get(CSV_URL + "?quarter=3").content)
    p101 = rows[0]
    assert p101["target"] == "1234567.5"  # no thousands separator, dot, no trailing zero
    assert p101["completion"] == "0.0"


def test_default_quarter_is_the_latest_reported(leader_client):
    response = leader_client.get(CSV_URL)
    assert 'filename="kpi-2024-Q3-2024-10-08.csv"' in response["Content-Disposition"]


def test_quarter_parameter_changes_every_figure(leader_client, demo):
    response = leader_client.get(CSV_URL + "?quarter=1")
    assert 'filename="kpi-2024-Q1-2024-10-08.csv"' in response["Content-Disposition"]
    _header, rows = parse_csv(response.content)
    standings = expected_standings(demo, quarter=1)
    p101 = rows[0]
    assert [p101[k] for k in ("q1", "q2", "year_to_date", "expected")] == ["2", "", "2", "25.0"]
    assert p101["progress"] == "(示例)第1季度按计划推进相关工作。"
    for row in rows:
        s = standings[row["code"]]
        assert row["status"] == (s.status_label and str(s.status_label))


# -- Filters: the export holds exactly what the dashboard shows --------------


@pytest.mark.parametrize(
    "query",
    [
        {"pillar": "P3"},
        {"lead_section": "demo-talent"},
        {"kind": "milestone"},
        {"status": "at_risk"},
        {"status": "not_reported"},
        {"pillar": "P5", "status": "behind"},
        {"pillar": "P6", "kind": "count", "lead_section": "demo-platform"},
        {"pillar": "", "status": ""},  # empty means "all", as in the dashboard's form
    ],
)
@pytest.mark.parametrize("quarter", [2, 3])
def test_filters_give_exactly_the_dashboards_rows(leader_client, demo, query, quarter):
    data = {**query, "quarter": quarter}
    filterset = IndicatorFilter(data, queryset=demo.indicators.all(), plan=demo, quarter=quarter)
    expected = [i.code for i in filterset.qs]
    _header, rows = parse_csv(leader_client.get(CSV_URL, data).content)
    assert [row["code"] for row in rows] == expected
    sheet = open_xlsx(leader_client.get(XLSX_URL, data).content)
    assert [row["code"].value for row in indicator_rows(sheet)] == expected


def test_status_filter_example(leader_client):
    _header, rows = parse_csv(leader_client.get(CSV_URL + "?quarter=3&status=at_risk").content)
    assert [row["code"] for row in rows] == ["P3-04", "P5-01", "P5-04", "P6-04"]
    assert [row["no"] for row in rows] == ["1", "2", "3", "4"]


# -- Formula injection --------------------------------------------------------


@pytest.mark.parametrize("char", DANGEROUS)
def test_neutralise_each_dangerous_first_character(char):
    assert neutralise(f"{char}1+1") == f"'{char}1+1"
    assert neutralise(f"a{char}b") == f"a{char}b"


@pytest.mark.parametrize(
    "text", ["", "进展", "a=b", "'quoted", "1-2", " 1+1", "\u3000进展", "\u200b进展", "100%"]
)
def test_harmless_text_is_left_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("blank", ["\ufeff", "\u3000\u200b", " \u00a0", "\u200c"])
@pytest.mark.parametrize("trigger", ["=", "＋", "－", "＠", "\u2212"])
def test_blank_or_invisible_characters_before_a_trigger(blank, trigger):
    assert neutralise(f"{blank}{trigger}1") == f"'{blank}{trigger}1"
    assert neutralise(f"{blank}进展") == f"{blank}进展"


def test_other_control_characters_are_neutralised_too():
    assert neutralise("\x01=1+1") == "'\x01=1+1"
    assert neutralise("\x1b=1") == "'\x1b=1"


def _tiny_table(text):
    columns = (
        Column("text", "Text", TEXT),
        Column("n", "N", NUMBER),
        Column("pct", "Pct (%)", PERCENT),
    )
    return Table(
        title="t",
        sheet_title="t",
        columns=columns,
        rows=[Row((text, Decimal("-5"), Decimal("-12.5"))), Row((None, Decimal("-0.50"), None))],
    )


@pytest.mark.parametrize("char", DANGEROUS)
def test_csv_writer_neutralises_text_and_keeps_negative_numbers(char):
    text = f'{char}HYPERLINK("http://evil","x")'
    content = b"".join(csv_chunks(_tiny_table(text)))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'" + text, "-5", "-12.5"]
    assert rows[2] == ["", "-0.5", ""]


@pytest.mark.parametrize("char", DANGEROUS)
def test_xlsx_writer_neutralises_text_and_keeps_negative_numbers(char):
    text = f"{char}SUM(1+1)"
    sheet = open_xlsx(workbook_bytes(_tiny_table(text)))
    cell, number, percent = sheet["A2"], sheet["B2"], sheet["C2"]
    assert cell.data_type == "s"  # a string, never a formula ("f")
    # XML cannot hold NUL: it is dropped, after the quote was put in front. (A CR
    # survives: with lxml, which python-docx brings, openpyxl writes it as &#13;.)
    assert cell.value == "'" + text.replace("\0", "")
    assert (number.value, number.data_type) == (-5, "n")
    assert (percent.value, percent.data_type, percent.number_format) == (-12.5, "n", "0.0")


def test_xlsx_drops_a_control_character_before_neutralising():
    sheet = open_xlsx(workbook_bytes(_tiny_table("\x01=1+1")))
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"


def _poison(demo, char):
    """Every text the summary shows, starting with `char`."""
    report = QuarterlyReport.objects.get(indicator__plan=demo, indicator__code="P1-01", quarter=3)
    # P1-01's Q3 report is approved, hence locked: returned, then resubmitted poisoned.
    report.return_for_changes(by=None, comment="test")
    report.state = QuarterlyReport.State.SUBMITTED
    report.progress = f'{char}HYPERLINK("http://evil")'
    report.problems = f"{char}cmd|' /C calc'!A0"
    report.next_steps = f"{char}1+1"
    report.save_by(None, reason="test")
    indicator = report.indicator
    indicator.name_zh = f"{char}SUM(1+1)"
    indicator.unit = f"{char}x"
    indicator.save()
    Section.objects.filter(pk=indicator.first_lead.pk).update(name_zh=f"{char}section")
    PlanElement.objects.filter(pk=indicator.pillar_id).update(name_zh=f"{char}pillar")


POISONED = {
    "progress": 'HYPERLINK("http://evil")',
    "problems": "cmd|' /C calc'!A0",
    "next_steps": "1+1",
    "indicator": "SUM(1+1)",
    "unit": "x",
    "lead_section": "section",
    "pillar": "pillar",
}


@pytest.mark.parametrize("char", DANGEROUS_STORABLE)
def test_csv_neutralises_narratives_and_names(leader_client, demo, char):
    _poison(demo, char)
    _header, rows = parse_csv(leader_client.get(CSV_URL + "?quarter=3").content)
    p101 = rows[0]
    for key, rest in POISONED.items():
        assert p101[key] == f"'{char}{rest}", key
    # Numbers are numbers still: no quote in front of the figures.
    assert (p101["target"], p101["q3"], p101["year_to_date"]) == ("10", "3", "8")


@pytest.mark.parametrize("char", DANGEROUS_STORABLE)
def test_xlsx_neutralises_narratives_and_names(leader_client, demo, char):
    _poison(demo, char)
    workbook = open_workbook(leader_client.get(XLSX_URL + "?quarter=3").content)
    row = indicator_rows(workbook.worksheets[0])[0]
    for key, rest in POISONED.items():
        cell = row[key]
        assert cell.data_type == "s", key
        assert cell.value[0] == "'", key
        assert cell.value[1 + len(char) :] == rest, key
    assert (row["target"].value, row["target"].data_type) == (10, "n")
    # The by-pillar sheet names the pillar too.
    pillar = workbook.worksheets[1].cell(row=PILLARS_HEADER_ROW + 1, column=2)
    assert (pillar.data_type, pillar.value) == ("s", f"'{char}pillar")


# -- The summary workbook -----------------------------------------------------


def test_xlsx_is_a_real_workbook(leader_client, demo):
    response = leader_client.get(XLSX_URL + "?quarter=3")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="kpi-2024-Q3-2024-10-08.xlsx"; '
        "filename*=UTF-8''kpi-2024-Q3-2024-10-08.xlsx"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.title == sheet_title(2024, 3)
    assert "2024" in workbook.properties.title and "3" in workbook.properties.title
    assert demo.name_zh in workbook.properties.title
    # The header row comes after the title block (tests/test_meeting_workbook.py),
    # with the quarter-on-quarter change after the quarters.
    header = MEETING_HEADER_ROW
    assert sheet.freeze_panes == f"A{header + 1}"
    last_row = header + 29 + 6 + 1  # 29 indicators, 6 pillar subtotals, the total
    assert sheet.max_row == last_row
    assert sheet.auto_filter.ref == f"A{header}:U{last_row}"
    assert sheet.page_setup.orientation == "landscape"
    with translation.override("zh-hans"):
        # The meeting workbook says a revised target under the indicator's name (its
        # A4 width has no room for the CSV's column; tests/test_years.py).
        expected = [gettext(m) for m in HEADER_MSGIDS if m != "Target revision"]
        expected.insert(11, gettext("Change on the previous quarter"))
        assert [c.value for c in sheet[header]] == expected
    # Narrow columns that wrap, so the sheet prints readably fitted to A4's width
    # (at most 180 units: about 80 %); rows are as tall as their wrapped text.
    assert sum(sheet.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOPQRSTU") <= 180
    assert sheet.row_dimensions[header + 1].height >= 2 * 13.5 + 3


def test_row_height_follows_wrapped_text():
    wide = Column("text", "Text", TEXT, width=10, wrap=True)
    narrow = Column("code", "Code", TEXT, width=2)
    assert row_height(["短", "P1-01"], [wide, narrow]) is None  # one line: the default
    assert row_height(["一二三四五六", "x"], [wide, narrow]) == 2 * 15 + 3  # 12 units in 10
    assert row_height(["a\nb\nc", "x"], [wide, narrow]) == 3 * 15 + 3
    assert row_height(["x", "not wrapped, however long"], [wide, narrow]) is None
    assert row_height(["长" * 10_000, ""], [wide, narrow]) == 409  # Excel's maximum


def test_xlsx_types_and_values_follow_the_status_rule(leader_client, demo):
    sheet = open_xlsx(leader_client.get(XLSX_URL + "?quarter=3").content)
    standings = expected_standings(demo)
    for row in indicator_rows(sheet):
        s = standings[row["code"].value]
        assert row["no"].data_type == "n"
        assert row["status"].value == (str(s.status_label) if s.status else None)
        if s.completion is not None:
            assert row["completion"].data_type == "n"
            assert row["completion"].number_format == "0.0"
            assert Decimal(str(row["completion"].value)) == s.completion_percent
            if s.expected is None:  # a level without a baseline has no pace (issue 21)
                assert row["expected"].value is None
            else:
                assert Decimal(str(row["expected"].value)) == s.expected_percent
        if s.indicator.has_figure and s.actual is not None:
            assert row["year_to_date"].data_type == "n"
            assert Decimal(str(row["year_to_date"].value)) == s.actual
        if s.indicator.has_target:
            assert Decimal(str(row["target"].value)) == s.indicator.target
        assert row["q4"].value is None
    p304 = next(row for row in indicator_rows(sheet) if row["code"].value == "P3-04")
    figures = ("target", "q1", "q2", "q3", "q4", "quarter_change", "year_to_date")
    assert [p304[k].value for k in (*figures, "completion", "expected")] == [
        *(10, 2, 2, 3, None, 1, 7),
        *(70, 75),
    ]


def test_xlsx_status_cells_carry_their_colour(leader_client, demo):
    sheet = open_xlsx(leader_client.get(XLSX_URL + "?quarter=3").content)
    standings = expected_standings(demo)
    seen = set()
    for row in indicator_rows(sheet):
        s = standings[row["code"].value]
        cell = row["status"]
        if s.status:
            fill, _text = STATUS_COLOURS[s.status]
            assert cell.fill.fgColor.rgb.endswith(fill), s.indicator.code
            seen.add(s.status)
        else:
            assert cell.fill.fill_type is None
    assert seen == set(Status.values)  # the demo shows every status as of Q3
    # The palette of every medium (targets/palette.py, tests/test_palette.py): each
    # status its own fill — met and on track are no longer one green.
    fills = [STATUS_COLOURS[status][0] for status in Status]
    assert len(set(fills)) == len(Status)


def test_xlsx_sheet_title_follows_the_quarter(leader_client):
    sheet = open_xlsx(leader_client.get(XLSX_URL + "?quarter=2&pillar=P1").content)
    assert sheet.title == sheet_title(2024, 2)
    assert len(indicator_rows(sheet)) == 4  # P1's four indicators


# -- Language -----------------------------------------------------------------


def test_headers_and_names_follow_the_users_language(leader_client, demo):
    p101 = Indicator.objects.get(plan=demo, code="P1-01")
    response = leader_client.get(CSV_URL + "?quarter=3", HTTP_ACCEPT_LANGUAGE="en")
    header, rows = parse_csv(response.content)
    with translation.override("en"):
        assert header == [gettext(m) for m in HEADER_MSGIDS]
    assert rows[0]["indicator"] == p101.name_en != p101.name_zh
    assert rows[0]["status"] == "On track"
    _header, rows_zh = parse_csv(leader_client.get(CSV_URL + "?quarter=3").content)
    assert rows_zh[0]["indicator"] == p101.name_zh == "化工领域重点科技攻关及产业化项目"


# -- Query counts -------------------------------------------------------------


def _grow_plan(plan, times):
    """Add `times` copies of every count indicator, each with Q1–Q3 reports."""
    pillar = PlanElement.objects.get(plan=plan, code="P1")
    base = list(Indicator.objects.filter(plan=plan, kind="count"))
    Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            pillar=pillar,
            code=f"X{n}-{i.code}",
            name_zh=i.name_zh,
            kind="count",
            measure="flow",
            comparison=">=",
            target=i.target,
            order=100 + n,
        )
        for n in range(times)
        for i in base
    )
    QuarterlyReport.objects.bulk_create(
        QuarterlyReport(indicator=i, quarter=q, value=Decimal(q), state="approved")
        for i in Indicator.objects.filter(plan=plan, code__startswith="X")
        for q in (1, 2, 3)
    )
    bump()  # bulk_create sends no signal: the kept pages' generation by hand


# The workbook reads the plan's overview (its pillars, for the subtotals): one query
# more than the CSV, and one more again when filtered (the filtered indicators' keys).
# Each pass over the standings reads the target revisions too (one query each).
@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_summary_query_count_is_fixed(leader_client, demo, django_assert_num_queries, url):
    # Both formats read the overview the dashboard keeps (targets/views/fragments.py):
    # 1 session, 2 user, 3 plans, 4 the data's generation, then, with nothing kept yet,
    # 5 plan elements, 6 indicators (+ plan, pillar, task), 7 their lead and
    # cooperating units, 8 reports, 9 target revisions
    with django_assert_num_queries(9):
        small = leader_client.get(url + "?quarter=3")
    # ... and the first four alone while the data has not changed, the default quarter
    # too: the latest ended one, from the date alone
    with django_assert_num_queries(4):
        leader_client.get(url)
    # ... + the pillar and the lead section named by the filters (form validation), the
    # status filter's own standings (indicators, units, reports, revisions), the
    # filtered keys
    query = "?quarter=3&pillar=P1&lead_section=demo-industry&status=on_track"
    with django_assert_num_queries(11):
        leader_client.get(url + query)
    _grow_plan(demo, 30)
    # ... + the log of changes since the standings kept (the plan grew: computed afresh)
    with django_assert_num_queries(10):
        large = leader_client.get(url + "?quarter=3")
    with django_assert_num_queries(11):
        leader_client.get(url + query)
    counts = Indicator.objects.filter(plan=demo, kind="count").exclude(code__startswith="X")
    assert _row_count(url, large) == _row_count(url, small) + 30 * counts.count()


def _row_count(url, response):
    if url.endswith(".xlsx"):
        return len(indicator_rows(open_xlsx(response.content)))
    return len(parse_csv(response.content)[1])


# -- Small pieces -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("10.00"), "10"),
        (Decimal("2.50"), "2.5"),
        (Decimal("1E+3"), "1000"),
        (Decimal("1234567.89"), "1234567.89"),
        (Decimal("0.00"), "0"),
        (Decimal("-0.00"), "0"),
        (Decimal("-5"), "-5"),
        (Decimal("0.05"), "0.05"),
        (7, "7"),
    ],
)
def test_plain_number(value, text):
    assert plain_number(value) == text


def test_percent_keeps_one_decimal():
    assert one_decimal(Decimal("70")) == "70.0"
    assert one_decimal(Decimal("80.7")) == "80.7"
    assert csv_cell(Decimal("75.0"), SUMMARY_COLUMNS[KEYS.index("expected")]) == "75.0"
    assert csv_cell(None, SUMMARY_COLUMNS[0]) == ""


def test_content_disposition_carries_a_chinese_name_in_filename_star():
    header = content_disposition("吉林-2024-Q3.csv")
    assert header == (
        "attachment; filename=\"__-2024-Q3.csv\"; filename*=UTF-8''%E5%90%89%E6%9E%97-2024-Q3.csv"
    )
    assert content_disposition('a"b.csv').startswith('attachment; filename="a_b.csv"')
