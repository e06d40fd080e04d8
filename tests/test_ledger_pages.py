"""What leaders, reviewers and meetings see of the ledger (台账): the figure equals the
count of items on every page, export and chart; the items by quarter with their files;
the county/district breakdown; the reviewer's view; the ledger exports; a fixed number
of queries however long the ledger."""

import csv
import datetime
import io

import openpyxl

from ledger.models import Division, LedgerEntry
from ledger.names import normalise
from targets.exports.xlsx import MEETING_HEADER_ROW
from targets.models import QuarterlyReport
from targets.models.freshness import bump

from .ledger_helpers import ledger_form
from .reporting_helpers import report_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
P304 = "/plans/2024/indicators/P3-04/"


def csv_rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_figure_is_the_count_on_every_page_export_and_chart(personas):
    staff, leader = personas["staff"], personas["leader"]
    report = QuarterlyReport.objects.get(indicator__code="P3-04", quarter=3)
    new = [
        {
            "name": '=HYPERLINK("x")',
            "date": "2024-09-21",
            "division": str(Division.objects.get(name_zh="磐石市").pk),
        }
    ]
    assert (
        staff.post(report_url("P3-04", 3), ledger_form(report, new=new, reason="补录")).status_code
        == 302
    )
    counts = {
        q: LedgerEntry.objects.filter(indicator__code="P3-04", quarter=q).count() for q in (1, 2, 3)
    }
    assert counts == {1: 2, 2: 2, 3: 4}

    page = leader.get(P304 + "?quarter=3", **EN)
    standing, ledger = page.context["standing"], page.context["ledger"]
    assert standing.actual == 8 == ledger.total == sum(counts.values())
    assert standing.quarter_values == {1: 2, 2: 2, 3: 4}
    assert page.context["chart"]["data"]["series"]["quarterly"]["data"][:3] == [2, 2, 4]
    chart = page.context["ledger_chart"]
    assert sum(chart["data"]["values"]) == 8
    assert chart["table"]["rows"][-1] == ["Total", "2", "2", "4", "8"]
    assert "Panshi" in chart["data"]["labels"]  # English page: the English names
    content = page.content.decode()
    assert "示例·碳纤维复合材料研究院" in content and "=HYPERLINK" in content

    plan = leader.get("/plans/2024/?quarter=3")
    row = next(s for s in plan.context["table"].page_records() if s.indicator.code == "P3-04")
    assert row.actual == 8

    summary = csv_rows(leader.get("/plans/2024/export/summary.csv?quarter=3&items=1", **EN))
    p304 = next(r for r in summary if r["Code"] == "P3-04")
    assert (p304["Q3"], p304["Year to date"]) == ("4", "8")
    names = p304["Items behind the figure (台账)"]
    assert names.startswith("Q1: 示例·碳纤维复合材料研究院, 示例·化工新材料研究所; Q2: ")
    assert names.count(", ") + names.count("; ") + 1 == 8
    workbook = openpyxl.load_workbook(
        io.BytesIO(leader.get("/plans/2024/export/summary.xlsx?quarter=3&items=1", **EN).content)
    )
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[MEETING_HEADER_ROW]]
    cells = next(
        r
        for r in sheet.iter_rows(min_row=MEETING_HEADER_ROW + 1, values_only=True)
        if r[1] == "P3-04"
    )
    assert cells[header.index("Year to date")] == 8
    assert cells[header.index("Items behind the figure (台账)")] == names
    # Without the option, no such column.
    assert (
        "Items behind the figure (台账)"
        not in csv_rows(leader.get("/plans/2024/export/summary.csv", **EN))[0]
    )

    ledger_csv = csv_rows(leader.get("/plans/2024/export/ledger.csv?indicator=P3-04", **EN))
    assert len(ledger_csv) == 8
    assert {r["Item"] for r in ledger_csv} >= {'\'=HYPERLINK("x")'}  # neutralised
    workbook = openpyxl.load_workbook(
        io.BytesIO(leader.get("/plans/2024/export/ledger.xlsx?pillar=P3", **EN).content)
    )
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 8 + 11  # P3-04 and P3-07
    assert '\'=HYPERLINK("x")' in {r[5] for r in rows}  # text, never a formula
    files = {r[5]: r[9] for r in rows}
    assert files["示例·碳纤维复合材料研究院"] == "示例·碳纤维复合材料研究院-证明材料.pdf"


def test_the_reviewer_sees_the_quarters_items_and_their_files(personas):
    queue = personas["reviewer"].get("/reviews/")
    item = next(i for i in queue.context["items"] if i.report.indicator.code == "P3-04")
    assert [e.name for e in item.entries] == [
        "示例·新能源装备研究院",
        "示例·冰雪装备研发中心",
        "示例·现代农业技术研究院",
    ]
    page = personas["reviewer"].get(report_url("P3-04", 3)).content.decode()
    file = item.entries[0].files.get()
    link = f"/plans/2024/indicators/P3-04/evidence/{file.pk}/"
    assert f'href="{link}"' in page and "示例·冰雪装备研发中心" in page
    assert personas["reviewer"].get(link).status_code == 200
    assert 'name="action" value="approve"' in page


def test_the_ledger_exports_keep_to_what_the_reader_may_read(personas):
    for scope in ("", "?pillar=P3", "?indicator=P3-07"):
        rows = csv_rows(personas["staff2"].get("/plans/2024/export/ledger.csv" + scope))
        assert len(rows) == {"": 18, "?pillar=P3": 18, "?indicator=P3-07": 11}[scope]
    assert personas["leader"].get("/plans/2024/export/ledger.csv?pillar=P9").status_code == 404


def test_indicator_pages_queries_stay_fixed_with_a_long_ledger(
    leader_client, demo, django_assert_num_queries
):
    # Without a ledger: 1 session, 2 user, 3 the data's generation, 4 plans, 5 the keys
    # and links of the indicators linked to it (its line across years), 6 the line's
    # indicators (+ plan, pillar, task), 7 their reports, 8 their target revisions, 9 its
    # lead and cooperating units; outside the kept body, 10 whether the leader follows it
    # (notices), 11 its instructions and 12 its follow-ups (oversight) — the ledger
    # costs nothing there.
    with django_assert_num_queries(12):
        leader_client.get("/plans/2024/indicators/P6-04/?quarter=3")
    indicator = demo.indicators.get(code="P3-04")
    places = list(Division.objects.all())
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            indicator=indicator,
            name=f"示例·批量{n}",
            normalized_name=normalise(f"示例·批量{n}"),
            date=datetime.date(2024, 8, 1),
            quarter=3,
            division=places[n % len(places)],
        )
        for n in range(60)
    )
    bump()  # bulk_create sends no signal: the kept pages' generation by hand
    # With one: + 13 its items (+ their places), 14 their files, whatever their number.
    with django_assert_num_queries(14):
        response = leader_client.get(P304 + "?quarter=3")
    assert response.context["ledger"].entry_count == 7 + 60
