"""The kept dashboards are never stale (targets/views/fragments.py).

The plan and pillar pages keep their body until the data's version moves
(targets/models/freshness.py). Each test here draws the pages, changes something by
one route — the report form, the review, a spreadsheet import, the admin, closing
and reopening a quarter, a target revision, a ledger item, a plan grown in bulk —
and then asks
again: what is served must be exactly what a server with nothing kept draws, and
must differ from before where the change shows on the page.
"""

import psycopg
import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection

from accounts.models import Section
from targets.models import Indicator, QuarterlyReport, freshness
from targets.models.freshness import data_version
from targets.views import fragments

from .growth import grow_plan
from .ledger_helpers import ledger_form
from .report_sheet_helpers import confirm, set_cell, template_xlsx, upload, xlsx_bytes
from .reporting_helpers import admin_inline_data, form_data, report_url, review_url

PAGES = ("/plans/2024/?quarter=3", "/plans/2024/pillars/P6/?quarter=3", "/plans/2024/")


def _main(response):
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _draw(client):
    return {url: _main(client.get(url)) for url in PAGES}


def _fresh(client):
    """The pages as a server with nothing kept would draw them."""
    cache.clear()
    fragments.forget()
    return _draw(client)


@pytest.fixture
def before(personas):
    """The pages drawn (and kept) as the leader sees them before the change."""
    drawn = _draw(personas["leader"])
    assert _draw(personas["leader"]) == drawn  # served from what was kept
    return drawn


def _assert_current(personas, before, changed=True):
    served = _draw(personas["leader"])
    assert served == _fresh(personas["leader"])
    if changed:
        assert served["/plans/2024/?quarter=3"] != before["/plans/2024/?quarter=3"]


def _p6_04(quarter=3):
    return QuarterlyReport.objects.get(indicator__code="P6-04", quarter=quarter)


def test_a_figure_saved_by_the_form_shows_at_once(personas, before):
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(_p6_04(), value="14", reason="补录", confirm_large="on")
    )
    assert response.status_code == 302
    _assert_current(personas, before)


def test_a_report_returned_by_the_reviewer_shows_at_once(personas, before):
    response = personas["reviewer"].post(
        review_url("P6-04", 3),
        {"action": "return", "comment": "请补充活动清单", "version": _p6_04().version},
    )
    assert response.status_code == 302
    assert _p6_04().state == QuarterlyReport.State.RETURNED
    _assert_current(personas, before)


def test_a_figure_imported_from_a_spreadsheet_shows_at_once(personas, before):
    workbook = template_xlsx(personas["staff"])
    set_cell(workbook.worksheets[0], "P6-04", "value", "14")
    set_cell(workbook.worksheets[0], "P6-04", "confirm_large", "是")
    preview = upload(personas["staff"], xlsx_bytes(workbook))
    assert confirm(personas["staff"], preview).status_code == 302
    assert _p6_04().value == 14
    _assert_current(personas, before)


def test_an_indicator_changed_in_the_admin_shows_at_once(personas, before, users):
    indicator = Indicator.objects.get(plan__year=2024, code="P6-04")
    url = f"/admin/targets/indicator/{indicator.pk}/change/"
    page = personas["admin"].get(url)
    form = page.context["adminform"].form
    data = {
        name: "" if value is None else value
        for name in form.fields
        if (value := form[name].value()) is not False
    }
    data.update(admin_inline_data(page.context))
    data["name_zh"] = "银企对接活动（管理后台改名）"
    response = personas["admin"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    _assert_current(personas, before)


def test_closing_and_reopening_a_quarter_redraw_the_pages(personas, before, demo):
    assert personas["admin"].post("/plans/2024/quarters/3/close/").status_code == 302
    _assert_current(personas, before, changed=False)
    response = personas["admin"].post("/plans/2024/quarters/3/reopen/", {"reason": "补报"})
    assert response.status_code == 302
    _assert_current(personas, before, changed=False)
    assert demo.closed_quarters() == set()


def test_a_target_revised_shows_at_once(personas, before):
    response = personas["admin"].post(
        "/plans/2024/indicators/P6-04/revise/",
        {"target": "30", "effective_from": "2024-07-01", "reason": "市政府调度会要求增加"},
    )
    assert response.status_code == 302
    _assert_current(personas, before)


def test_a_ledger_item_added_shows_at_once(personas, before):
    report = QuarterlyReport.objects.get(indicator__code="P3-04", quarter=3)
    data = ledger_form(
        report, new=[{"name": "示例·新认定研发机构", "date": "2024-08-01"}], reason="补录一家"
    )
    response = personas["staff"].post(report_url("P3-04", 3), data)
    assert response.status_code == 302, response.context["form"].errors
    _assert_current(personas, before)


def test_indicators_and_reports_added_in_bulk_show_at_once(personas, before, demo):
    # bulk_create writes no history; the tables' own highest keys move.
    grow_plan(demo, 1)
    _assert_current(personas, before)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL hands out keys before commit; SQLite's one writer commits in order",
)
@pytest.mark.django_db(transaction=True)
def test_a_write_transaction_still_open_is_part_of_the_version():
    # A key written by a transaction not committed yet can commit after a higher one:
    # while such a transaction is open the version says so, and it changes again when
    # the transaction ends (targets/models/freshness.py). Read outside a transaction,
    # as a page reads it (PostgreSQL keeps the sessions it read until one ends).
    settings = connection.settings_dict
    before = data_version()
    with psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
    ) as other:
        xid = other.execute("SELECT txid_current()").fetchone()[0]  # as a write takes
        during = data_version()
        assert during != before and during.endswith(str(xid))
        other.rollback()
    assert data_version() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Prepared statements are PostgreSQL's; SQLite plans its query each time",
)
@pytest.mark.django_db(transaction=True)  # to open new connections
def test_the_version_is_the_same_prepared_and_planned_afresh(django_assert_num_queries):
    # On PostgreSQL the version's query is prepared once per connection: the first use
    # prepares and runs it in one query, later ones run the prepared statement, a new
    # connection prepares it again, and each answer is the plain query's.
    def plain():
        with connection.cursor() as cursor:
            cursor.execute(freshness._sql("postgresql"))
            return "-".join("" if v is None else str(v) for v in cursor.fetchone())

    connection.close()
    for _round in range(2):  # on a new connection, then on the same one
        with django_assert_num_queries(1) as captured:
            version = data_version()
        assert version == plain()
    assert captured.captured_queries[0]["sql"] == f"EXECUTE {freshness.PREPARED}"
    Section.objects.create(code="version-test", name_zh="（测试）科室")
    assert data_version() != version and data_version() == plain()
    connection.close()
    with django_assert_num_queries(1) as captured:
        version = data_version()
    assert version == plain()
    assert captured.captured_queries[0]["sql"].startswith(f"PREPARE {freshness.PREPARED} AS")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Prepared statements are PostgreSQL's; SQLite plans its query each time",
)
@pytest.mark.django_db(transaction=True)  # to open a new connection
def test_a_prepared_statement_left_by_a_failed_use_is_replaced():
    # PostgreSQL keeps a PREPARE whose EXECUTE failed (a statement timeout, a cancel):
    # the statement is on the connection, which was never marked as holding it. That
    # use fails; the next ones must not fail with "already exists" for ever.
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE {freshness.PREPARED} AS SELECT 'left behind'")
    with pytest.raises(DatabaseError):
        data_version()
    version = data_version()
    with connection.cursor() as cursor:
        cursor.execute(freshness._sql("postgresql"))
        assert version == "-".join("" if v is None else str(v) for v in cursor.fetchone())
    assert data_version() == version
