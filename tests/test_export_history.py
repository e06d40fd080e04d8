"""The raw exports: all reports and their change history, streamed.

Parsed back like the summary (BOM, CRLF, header, rows); the history lists who
changed what, from which value to which, and why; both start before their one
query runs and keep a fixed number of queries however many rows there are.
"""

import codecs
import csv
import io
import re
from decimal import Decimal
from itertools import pairwise

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from targets.exports import csvfile
from targets.exports.cells import plain_number
from targets.exports.history import HISTORY_COLUMNS
from targets.exports.reports import REPORT_COLUMNS
from targets.models import Indicator, Plan, PlanElement, QuarterlyReport
from targets.models.history import HISTORY_FIELDS

from .test_export import _grow_plan

REPORTS_URL = "/plans/2024/export/reports.csv"
HISTORY_URL = "/plans/2024/export/history.csv"
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def read(response, keys):
    assert response.status_code == 200
    assert response.streaming
    content = b"".join(response.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    assert content.count(codecs.BOM_UTF8) == 1
    text = content[len(codecs.BOM_UTF8) :].decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert "None" not in text
    return text, header, [dict(zip(keys, row, strict=True)) for row in rows]


REPORT_KEYS = [c.key for c in REPORT_COLUMNS]
HISTORY_KEYS = [c.key for c in HISTORY_COLUMNS]


def field(name):
    """A report field's label as the export shows it, in the active language."""
    return str(capfirst(QuarterlyReport._meta.get_field(name).verbose_name))


def reports_of(client, **extra):
    return read(client.get(REPORTS_URL, **extra), REPORT_KEYS)


def history_of(client, **extra):
    return read(client.get(HISTORY_URL, **extra), HISTORY_KEYS)


def report(plan, code, quarter):
    return QuarterlyReport.objects.get(indicator__plan=plan, indicator__code=code, quarter=quarter)


# -- All reports --------------------------------------------------------------


def test_reports_csv_framing_and_file_name(leader_client, demo):
    response = leader_client.get(REPORTS_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="kpi-2024-reports-2024-10-08.csv"; '
        "filename*=UTF-8''kpi-2024-reports-2024-10-08.csv"
    )
    text, header, rows = read(response, REPORT_KEYS)
    assert text.count("\n") == text.count("\r\n") == len(rows) + 1
    with translation.override("zh-hans"):
        assert header == [str(c.header) for c in REPORT_COLUMNS]
    assert len(rows) == QuarterlyReport.objects.filter(indicator__plan=demo).count()


def test_reports_csv_holds_every_report_raw(leader_client, demo, users):
    _text, _header, rows = reports_of(leader_client)
    by_key = {(row["code"], row["quarter"]): row for row in rows}
    assert [(r["code"], r["quarter"]) for r in rows][:4] == [
        ("P1-01", "1"),
        ("P1-01", "2"),
        ("P1-01", "3"),
        ("P1-02", "1"),
    ]
    draft = by_key[("P3-06", "3")]  # a draft is in the raw file, with its state
    assert draft["figure"] == "1"
    assert draft["approval_state"] == str(QuarterlyReport.State.DRAFT.label)
    assert draft["entered_by"] == "staff"
    assert draft["indicator"] == "双创平台毕业企业增加"
    assert draft["unit"] == "家"
    assert STAMP.match(draft["created_at"]) and STAMP.match(draft["updated_at"])
    stored = report(demo, "P3-06", 3)
    local = timezone.localtime(stored.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert draft["created_at"] == local  # in the site's time zone (Asia/Shanghai)
    done = by_key[("P2-01", "1")]
    assert (done["milestone_state"], done["done_on"], done["figure"]) == (
        str(QuarterlyReport.MilestoneState.DONE.label),
        "2024-03-26",
        "",
    )
    assert by_key[("P1-01", "3")]["progress"] == "(示例)第3季度按计划推进相关工作。"
    users["staff"].first_name, users["staff"].last_name = "三", "张"
    users["staff"].save()
    _text, _header, rows = reports_of(leader_client)
    assert {r["entered_by"] for r in rows if r["code"].startswith("P3")} == {"三 张"}


def test_reports_csv_neutralises_text(leader_client, demo):
    r = report(demo, "P1-02", 3)  # submitted: an approved report would be locked
    r.progress, r.review_comment = "=1+1", "@SUM(A1)"
    r.save_by(None, reason="test")
    _text, _header, rows = reports_of(leader_client)
    row = next(x for x in rows if (x["code"], x["quarter"]) == ("P1-02", "3"))
    assert (row["progress"], row["review_comment"], row["figure"]) == ("'=1+1", "'@SUM(A1)", "3")


def test_reports_of_another_plan_are_not_exported(leader_client, demo):
    other = _other_plan()
    _text, _header, rows = reports_of(leader_client)
    assert "X2023" not in {row["code"] for row in rows}
    _text, _header, rows = read(leader_client.get("/plans/2023/export/reports.csv"), REPORT_KEYS)
    assert [row["code"] for row in rows] == ["X2023"]
    _text, _header, rows = read(leader_client.get("/plans/2023/export/history.csv"), HISTORY_KEYS)
    assert {row["code"] for row in rows} == {"X2023"}
    assert other.year == 2023


def _other_plan():
    plan = Plan.objects.create(year=2023, name_zh="2023年计划", state="active")
    pillar = PlanElement.objects.create(plan=plan, code="P1", level="pillar", name_zh="支柱")
    indicator = Indicator.objects.create(
        plan=plan, pillar=pillar, code="X2023", name_zh="指标", kind="count", target=5
    )
    QuarterlyReport(indicator=indicator, quarter=1, value=2, state="approved").save_by(
        None, reason="2023"
    )
    return plan


# -- The change history -------------------------------------------------------


def test_history_csv_framing_and_file_name(leader_client):
    response = leader_client.get(HISTORY_URL)
    assert response["Content-Disposition"] == (
        'attachment; filename="kpi-2024-history-2024-10-08.csv"; '
        "filename*=UTF-8''kpi-2024-history-2024-10-08.csv"
    )
    text, header, rows = read(response, HISTORY_KEYS)
    with translation.override("zh-hans"):
        assert header == [str(c.header) for c in HISTORY_COLUMNS]
    assert text.endswith("\r\n")
    assert rows


def test_history_lists_who_changed_what_from_what_to_what_and_why(leader_client, demo, users):
    # P6-04: a typed figure (P3-04's is now counted from its ledger, not typed).
    r = report(demo, "P6-04", 3)
    r.value = Decimal(5)
    r.state = QuarterlyReport.State.APPROVED
    r.save_by(users["reviewer"], reason="核对后更正")
    _text, _header, rows = history_of(leader_client)
    mine = [row for row in rows if (row["code"], row["quarter"]) == ("P6-04", "3")]
    created = [row for row in mine if row["change"] == gettext("Created")]
    changed = [row for row in mine if row["change"] == gettext("Changed")]
    assert mine == created + changed  # per report, in time order
    assert {row["who"] for row in created} == {"staff"}
    assert {row["reason"] for row in created} == {"演示数据 / demo data"}
    figure = next(row for row in created if row["field"] == field("value"))
    assert (figure["old"], figure["new"]) == ("", "4")
    assert [(row["field"], row["old"], row["new"]) for row in changed] == [
        (field("value"), "4", "5"),
        (
            field("state"),
            str(QuarterlyReport.State.SUBMITTED.label),
            str(QuarterlyReport.State.APPROVED.label),
        ),
    ]
    assert {row["who"] for row in changed} == {"reviewer"}
    assert {row["reason"] for row in changed} == {"核对后更正"}
    assert all(STAMP.match(row["when"]) for row in mine)
    latest = r.history.first()
    assert changed[0]["when"] == timezone.localtime(latest.history_date).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    assert changed[0]["indicator"] == "组织科技领域银企对接专场活动"


def test_history_keeps_a_save_without_change_and_a_deletion(leader_client, demo, users):
    r = report(demo, "P4-02", 3)  # submitted: an approved report would be locked
    r.save_by(users["admin"], reason="重新保存")
    r.delete()
    _text, _header, rows = history_of(leader_client)
    mine = [row for row in rows if (row["code"], row["quarter"]) == ("P4-02", "3")]
    resaved, deleted = mine[-2], mine[-1]
    assert (resaved["change"], resaved["field"], resaved["old"], resaved["new"]) == (
        gettext("Changed"),
        "",
        "",
        "",
    )
    assert (resaved["who"], resaved["reason"]) == ("admin", "重新保存")
    assert (deleted["change"], deleted["field"]) == (gettext("Deleted"), "")


def test_history_neutralises_text_and_keeps_numbers(leader_client, demo, users):
    r = report(demo, "P1-02", 3)  # submitted: an approved report would be locked
    r.progress = "=HYPERLINK(1)"
    r.value = Decimal("3.50")
    r.save_by(users["admin"], reason="-fix")
    _text, _header, rows = history_of(leader_client)
    changed = {
        row["field"]: row
        for row in rows
        if (row["code"], row["quarter"], row["change"]) == ("P1-02", "3", gettext("Changed"))
    }
    assert (changed[field("value")]["old"], changed[field("value")]["new"]) == ("3", "3.5")
    progress = changed[field("progress")]
    assert progress["old"] == "(示例)第3季度按计划推进相关工作。"
    assert progress["new"] == "'=HYPERLINK(1)"
    assert progress["reason"] == "'-fix"


# -- Streaming, language, query counts -----------------------------------------


@pytest.mark.parametrize("url", [REPORTS_URL, HISTORY_URL])
def test_header_goes_out_before_the_query(leader_client, django_assert_num_queries, url):
    response = leader_client.get(url)
    chunks = iter(response.streaming_content)
    with django_assert_num_queries(0):
        first = next(chunks)
    assert first.startswith(codecs.BOM_UTF8)
    assert first.endswith(b"\r\n")
    assert first.count(b"\r\n") == 1  # the header row alone
    with django_assert_num_queries(1):  # the rows: one query, streamed
        rest = b"".join(chunks)
    assert codecs.BOM_UTF8 not in rest


def test_small_chunks_make_the_same_file(leader_client, monkeypatch):
    whole = b"".join(leader_client.get(HISTORY_URL).streaming_content)
    monkeypatch.setattr(csvfile, "CHUNK_CHARS", 200)
    chunks = list(leader_client.get(HISTORY_URL).streaming_content)
    assert len(chunks) > 10
    assert b"".join(chunks) == whole


def test_rows_are_in_the_language_of_the_request(leader_client, demo):
    name_en = Indicator.objects.get(plan=demo, code="P1-01").name_en
    response = leader_client.get(REPORTS_URL, HTTP_ACCEPT_LANGUAGE="en")
    # The rows are produced while the response is read, after the view returned.
    with translation.override("zh-hans"):
        _text, _header, rows = read(response, REPORT_KEYS)
    assert rows[0]["indicator"] == name_en
    response = leader_client.get(HISTORY_URL)
    with translation.override("en"):
        _text, _header, rows = read(response, HISTORY_KEYS)
    assert rows[0]["indicator"] == "化工领域重点科技攻关及产业化项目"


def _grow_history(plan, times, user):
    """`_grow_plan`, and for each new report a creation and a change in its history."""
    _grow_plan(plan, times)
    reports = list(
        QuarterlyReport.objects.filter(indicator__plan=plan, indicator__code__startswith="X")
    )
    QuarterlyReport.history.bulk_history_create(
        reports, default_user=user, default_change_reason="bulk"
    )
    for r in reports:
        r.value += 1
        r.progress = "更新"
    QuarterlyReport.history.bulk_history_create(
        reports, update=True, default_user=user, default_change_reason="edit"
    )
    return len(reports)


@pytest.mark.parametrize("url", [REPORTS_URL, HISTORY_URL])
def test_query_count_is_fixed(leader_client, demo, users, django_assert_num_queries, url):
    keys = REPORT_KEYS if url == REPORTS_URL else HISTORY_KEYS
    # 1 session, 2 user, 3 plan, 4 the rows (+ indicator, author or history user;
    # what the user may read is a filter in the same query), streamed (SQLite in
    # chunks of 2000 from the one cursor; PostgreSQL through COPY: still one query)
    with django_assert_num_queries(4):
        _text, _header, small = read(leader_client.get(url), keys)
    added = _grow_history(demo, 60, users["admin"])
    with django_assert_num_queries(4):
        _text, _header, large = read(leader_client.get(url), keys)
    # reports: one row each; history: a creation (figure, state) and a change
    # (figure, progress) per new report
    assert len(large) == len(small) + added * (1 if url == REPORTS_URL else 4)
    assert len(large) > 2000  # more than one chunk


def test_changes_are_those_of_simple_historys_diff_against(leader_client, demo, users):
    """The export compares plain tuples; it must list exactly what `diff_against`
    finds between consecutive records of each report."""
    for code, quarter in [("P3-04", 3), ("P1-03", 3), ("P2-02", 2)]:
        r = report(demo, code, quarter)
        if r.value is not None:
            r.value += 1
        r.state = QuarterlyReport.State.RETURNED
        r.review_comment = "请补充"
        r.save_by(users["reviewer"], reason="退回")
        r.problems = ""
        r.state = QuarterlyReport.State.SUBMITTED
        r.save_by(users["staff"], reason="重新提交")
    _text, _header, rows = history_of(leader_client)
    exported = {}
    for row in rows:
        if row["change"] == gettext("Changed"):
            key = (row["code"], row["quarter"], row["when"], row["who"])
            exported.setdefault(key, []).append((row["field"], row["old"], row["new"]))
    fields = list(HISTORY_FIELDS)
    expected = {}
    for r in QuarterlyReport.objects.filter(indicator__plan=demo).select_related("indicator"):
        records = list(
            r.history.order_by("history_date", "history_id").select_related("history_user")
        )
        for previous, record in pairwise(records):
            delta = record.diff_against(previous, included_fields=fields)
            when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M:%S")
            who = record.history_user.username if record.history_user else ""
            key = (r.indicator.code, str(r.quarter), when, who)
            by_field = {c.field: c for c in delta.changes}
            expected.setdefault(key, []).extend(
                (_field(f), _shown(f, by_field[f].old), _shown(f, by_field[f].new))
                for f in fields
                if f in by_field
            )
    assert exported == expected
    assert len(expected) == 6


def _field(field):
    return str(capfirst(QuarterlyReport._meta.get_field(field).verbose_name))


def _shown(field, value):
    if value in (None, ""):
        return ""
    if field == "state":
        return str(QuarterlyReport.State(value).label)
    if field == "milestone_state":
        return str(QuarterlyReport.MilestoneState(value).label)
    return plain_number(value) if isinstance(value, Decimal) else str(value)
