"""Every change of a figure, state or narrative is kept with who, when and why."""

import re
from decimal import Decimal

from django.utils import translation

from targets.models import QuarterlyReport
from targets.models.history import history_records, iter_changes
from targets.models.wording import figure_text

from .reporting_helpers import form_data, report_url, review_url


def _report():
    return QuarterlyReport.objects.get(indicator__code="P5-05", quarter=3)


def test_every_old_value_can_be_read_back_with_author_and_reason(personas):
    url = report_url("P5-05", 3)
    staff2, reviewer = personas["staff2"], personas["reviewer"]
    assert staff2.post(url, form_data(value="1", action="draft")).status_code == 302
    assert staff2.post(url, form_data(_report(), value="2")).status_code == 302  # submit
    assert staff2.post(url, form_data(_report(), value="3", reason="漏报一人")).status_code == 302
    reviewer.post(
        review_url("P5-05", 3),
        {"action": "return", "comment": "请附名单", "version": _report().version},
    )
    assert staff2.post(url, form_data(_report(), value="4", reason="补充名单")).status_code == 302
    reviewer.post(
        review_url("P5-05", 3), {"action": "approve", "comment": "", "version": _report().version}
    )

    with translation.override("en"):
        changes = [
            (c.field, c.old, c.new, c.who, c.reason)
            for c in iter_changes(history_records(indicator__code="P5-05", quarter=3))
            if c.field in {"value", "state"}
        ]
    assert changes == [
        ("value", None, Decimal("1.00"), "staff2", ""),
        ("state", None, "Draft", "staff2", ""),
        ("value", Decimal("1.00"), Decimal("2.00"), "staff2", ""),
        ("state", "Draft", "Submitted", "staff2", ""),
        ("value", Decimal("2.00"), Decimal("3.00"), "staff2", "漏报一人"),
        ("state", "Submitted", "Returned", "reviewer", "请附名单"),
        ("value", Decimal("3.00"), Decimal("4.00"), "staff2", "补充名单"),
        ("state", "Returned", "Submitted", "staff2", "补充名单"),
        ("state", "Submitted", "Approved", "reviewer", "approved"),
    ]


def test_history_page_lists_changes_for_staff_and_leaders(personas):
    url = report_url("P6-04", 3)
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    personas["staff"].post(url, form_data(report, value="5", reason="统计口径调整"))
    for persona in ("staff", "staff2", "leader"):
        page = personas[persona].get("/plans/2024/indicators/P6-04/history/")
        assert page.status_code == 200
        content = page.content.decode()
        assert "统计口径调整" in content
        assert "staff" in content


def test_history_query_count_is_fixed(personas, django_assert_num_queries):
    client = personas["leader"]
    url = "/plans/2024/indicators/P6-04/history/"
    # 1 session, 2 user, 3 plans (the page's and the year switcher's), 4 indicator,
    # 5 its lead and cooperating units, 6 history rows (+user, +indicator), 7 its
    # target revisions, 8 the codes of its line across years (the year switcher)
    with django_assert_num_queries(8):
        client.get(url)
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    for n in range(5):
        report.progress = f"第{n}次修改"
        report.save_by(None, reason=str(n))
    with django_assert_num_queries(8):
        client.get(url)


def test_the_history_page_writes_figures_as_the_pages_do(personas):
    """It wrote the stored "3.00" where the indicator's page writes "3 家" (P6-04's
    unit 次 in Chinese, "events" in English), and a figure with decimals as it is."""
    url = report_url("P6-04", 3)
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    assert (
        personas["staff"].post(url, form_data(report, value="3", reason="口径")).status_code == 302
    )
    history = "/plans/2024/indicators/P6-04/history/"
    content = personas["leader"].get(history).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*口径</td>\s*</tr>", content, re.S).group()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[4:6] == [f"{figure_text(report.value)} 次", "3 次"]
    assert ".00" not in content
    english = personas["leader"].get(history, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"<td>3 events</td>", english)
