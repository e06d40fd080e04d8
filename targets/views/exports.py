"""Downloads for the quarterly meeting: the summary (CSV, XLSX), all reports and
their change history (CSV, streamed).

Views only choose the plan, the quarter and the filters; the rows are built in
targets/exports/rows.py and raw.py and written by csvfile.py / xlsx.py. What a user may
export is decided once, in `_export_scope`.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ledger.exports import item_names

from .. import charts, clock
from ..exports.csvfile import csv_chunks
from ..exports.meeting import meeting
from ..exports.raw import history_table, reports_table
from ..exports.rows import summary_table
from ..exports.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from ..exports.xlsx import meeting_workbook_bytes
from ..filters import IndicatorFilter
from ..models import Plan, QuarterlyReport, freshness
from ..models.report import readable_by
from . import fragments
from .common import as_of_quarter, export_query, get_plan

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass
class ExportScope:
    """A plan and the part of it one user may export."""

    plan: Plan
    indicators: object  # an IndicatorQuerySet
    user: object

    @property
    def reports(self):
        """Every report the user may read (drafts of other sections are not theirs)."""
        reports = QuarterlyReport.objects.filter(indicator__in=self.indicators)
        return reports.readable_by(self.user)

    @property
    def history(self):
        """Every historical row of those reports the user may read, by the same rule."""
        records = QuarterlyReport.history.filter(indicator__in=self.indicators)
        return readable_by(records, self.user)


def _export_scope(request, year):
    """The plan named in the URL and what of it `request.user` may export.

    What a user may see is what they may export: the permission that lets them read
    the plan's pages (targets/rules.py) lets them export it, and the reports and
    history in the raw exports are those they may read (`targets.read_report`);
    every export goes through here.
    """
    if not request.user.has_perm("targets.view_plan"):
        raise PermissionDenied
    plan = get_plan(request, year)  # a draft only for those who may see drafts
    return ExportScope(plan=plan, indicators=plan.indicators.all(), user=request.user)


@login_required
@require_safe
@never_cache
def export_summary_csv(request, year):
    scope = _export_scope(request, year)
    filterset, quarter = _filtered(request, scope)
    standings = _filtered_overview(scope.plan, quarter, filterset).standings
    table = summary_table(scope.plan, quarter, standings, _items(request, filterset, quarter))
    response = HttpResponse(b"".join(csv_chunks(table)), content_type=CSV_CONTENT_TYPE)
    return _attach(response, _file_name(scope.plan, _what(quarter, filterset), "csv"))


@login_required
@require_safe
@never_cache
def export_summary_xlsx(request, year):
    """The meeting workbook: the summary by pillar with subtotals, a title block and a
    sheet of counts by pillar, from the same overview the dashboard shows."""
    scope = _export_scope(request, year)
    filterset, quarter = _filtered(request, scope)
    workbook = meeting(
        scope.plan,
        _filtered_overview(scope.plan, quarter, filterset),
        made_on=clock.today(),
        filters=filterset.applied(),
        items=_items(request, filterset, quarter),
    )
    response = HttpResponse(meeting_workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    return _attach(response, _file_name(scope.plan, _what(quarter, filterset), "xlsx"))


@login_required
@require_safe
@never_cache
def export_reports_csv(request, year):
    scope = _export_scope(request, year)
    table = reports_table(scope.plan, scope.reports)
    return _stream_csv(table, _file_name(scope.plan, "reports", "csv"))


@login_required
@require_safe
@never_cache
def export_history_csv(request, year):
    scope = _export_scope(request, year)
    table = history_table(scope.plan, scope.history)
    return _stream_csv(table, _file_name(scope.plan, "history", "csv"))


@login_required
@require_safe
def print_summary(request, year):
    """The meeting summary on paper: A4 landscape, the dashboard's status chart on top,
    then the same rows and columns as the CSV/XLSX (and the same filters)."""
    scope = _export_scope(request, year)
    filterset, quarter = _filtered(request, scope)
    table = summary_table(scope.plan, quarter, filterset.qs.standings(quarter))
    return render(
        request,
        "targets/print_summary.html",
        {
            "plan": scope.plan,
            "quarter": quarter,
            "today": clock.today(),
            "table": table,
            "status_chart": charts.status_by_pillar(scope.plan.overview(quarter)),
            "export_query": export_query(request, quarter),
            "briefing_ready": scope.plan.has_ended(quarter, clock.today()),
        },
    )


def _filtered(request, scope):
    """The dashboard's filters (same `IndicatorFilter`, same GET parameters) on the
    scope's indicators as of `?quarter=`: (the valid filterset, the quarter).

    A filter value that names nothing (an unknown pillar or section, a misspelt
    status) is an unknown page, like a bad quarter: a file that silently ignored
    it would be taken for the filtered one.
    """
    quarter = as_of_quarter(request, scope.plan)
    filterset = IndicatorFilter(
        request.GET, queryset=scope.indicators, plan=scope.plan, quarter=quarter
    )
    if not filterset.is_valid():
        raise Http404(_("Unknown filter: %(errors)s") % {"errors": filterset.errors.as_text()})
    return filterset, quarter


def _items(request, filterset, quarter):
    """With `?items=1`: {indicator id: the names of the ledger items behind its counted
    figures up to `quarter`} (one query); otherwise None, and no such column."""
    if request.GET.get("items") != "1":
        return None
    return item_names(filterset.qs, quarter)


def _filtered_overview(plan, quarter, filterset):
    """The plan's overview as of `quarter`, restricted to what the filters keep (the
    whole overview, one query fewer, when no filter is applied). The standings are
    the ones the dashboard keeps for the same state of the data (views/fragments.py):
    one query for the generation, none more while nothing changed."""
    overview = fragments.overview(plan, quarter, freshness.current())
    return overview.subset(filterset.qs) if filterset.applied() else overview


def _what(quarter, filterset):
    """The quarter and the filters in a file name: "Q3", "Q3-P3-at_risk"."""
    return "-".join(part for part in (f"Q{quarter}", filterset.file_name_part()) if part)


def _stream_csv(table, filename):
    """Stream the CSV; rows are produced after the view has returned, so they are
    produced in the language of the request explicitly."""
    chunks = _in_language(translation.get_language(), csv_chunks(table))
    response = StreamingHttpResponse(chunks, content_type=CSV_CONTENT_TYPE)
    return _attach(response, filename)


def _in_language(language, chunks):
    with translation.override(language):
        yield from chunks


def _file_name(plan, what, extension):
    """e.g. kpi-2024-Q3-2024-10-08.csv: the plan, what, and today's date."""
    return f"kpi-{plan.year}-{what}-{clock.today().isoformat()}.{extension}"


def _attach(response, filename):
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename):
    """`attachment` with an ASCII `filename` and the exact name in `filename*` (RFC 6266).

    Browsers that know `filename*` use it (a Chinese name survives); others get
    the ASCII fallback, non-ASCII characters replaced by "_".
    """
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
