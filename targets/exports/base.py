"""What an export is, and the one base every exported file is made by.

An exporter (pretix's model: `ListExporter`) is one class per file: its `name` (the
last part of the URL, "history.csv"), who may ask for it (a permission of
targets/rules.py), its columns, its rows for a scope, and its file name. The one
view (targets/views/exports.py) and URL pattern serve every registered exporter;
the base writes the rows as CSV (csvfile.py, streamed) or XLSX (xlsx.py), both
through the cell rules of cells.py (formula neutralising in one place).

A row holds Python values — `Decimal`/`int` for numbers, `str` for text, `date`
or `datetime`, `None` for "no figure" — and the writers decide how each type is
written. Nothing in an exporter formats or escapes.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation

from .. import clock
from ..models import Indicator, Plan, QuarterlyReport
from ..models.report import readable_by
from .csvfile import CONTENT_TYPE as CSV_CONTENT_TYPE
from .csvfile import csv_chunks
from .table import Column, Row, Table
from .xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from .xlsx import workbook_bytes


@dataclass
class Scope:
    """A plan and the part of it one user may export, with the request's parameters.

    The view fills it (targets/views/exports.py): the plan the user may see, and for
    an exporter `as_of_quarter`, the quarter asked for and the dashboard's overview
    as of a quarter (the kept one, views/fragments.py).
    """

    plan: Plan
    user: Any  # a User
    params: Any  # the request's GET QueryDict
    quarter: int | None = None
    overview: Callable[[int], Any] | None = None

    @property
    def indicators(self) -> QuerySet[Indicator]:
        return self.plan.indicators.all()

    @property
    def reports(self) -> QuerySet[QuarterlyReport]:
        """Every report the user may read (drafts of other sections are not theirs)."""
        reports = QuarterlyReport.objects.filter(indicator__in=self.indicators)
        readable: QuerySet[QuarterlyReport] = reports.readable_by(self.user)
        return readable

    @property
    def history(self) -> QuerySet[Any]:
        """Every historical row of those reports the user may read, by the same rule."""
        records = QuarterlyReport.history.filter(indicator__in=self.indicators)
        readable: QuerySet[Any] = readable_by(records, self.user)
        return readable


class Exporter:
    """One exported file. Subclasses set `name`, `columns`, `what` and `rows`.

    What a user may see is what they may export: `permission` (targets/rules.py) is
    the one that lets them read the plan's pages, and the rows of the raw exports
    are those they may read (`Scope.reports`, `Scope.history`).
    """

    name: ClassVar[str]  # the URL's last part, which says the format: "reports.csv"
    permission: ClassVar[str] = "targets.view_plan"
    as_of_quarter: ClassVar[bool] = False  # reads ?quarter= (and the dashboard's filters)
    streamed: ClassVar[bool] = True  # a CSV streams, unless it is small (then it is sized)
    columns: tuple[Column, ...] = ()

    def __init__(self, scope: Scope):
        self.scope = scope
        self.plan = scope.plan

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[1]

    def title(self) -> str:
        raise NotImplementedError

    def sheet_title(self) -> str:
        return ""

    def what(self) -> str:
        """What the file holds, in its name: "reports", "Q3-P3", "ledger-P3-04"."""
        raise NotImplementedError

    def rows(self) -> Iterable[Row]:
        raise NotImplementedError

    def table(self) -> Table:
        return Table(
            title=self.title(),
            sheet_title=self.sheet_title(),
            columns=self.columns,
            rows=self.rows(),
        )

    def file_name(self) -> str:
        """e.g. kpi-2024-Q3-2024-10-08.csv: the plan, what, and today's date."""
        return f"kpi-{self.plan.year}-{self.what()}-{clock.today().isoformat()}.{self.extension}"

    def response(self) -> HttpResponse | StreamingHttpResponse:
        """The file: a CSV streamed (or whole when small), any other whole (`content`)."""
        response: HttpResponse | StreamingHttpResponse
        if self.extension == "csv" and self.streamed:
            chunks = _in_language(translation.get_language(), csv_chunks(self.table()))
            response = StreamingHttpResponse(chunks, content_type=CSV_CONTENT_TYPE)
        elif self.extension == "csv":
            content = b"".join(csv_chunks(self.table()))
            response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
        else:
            response = HttpResponse(self.content(), content_type=self.content_type)
        return attach(response, self.file_name())

    content_type: str = XLSX_CONTENT_TYPE  # of a file other than CSV

    def content(self) -> bytes:
        """The bytes of a file other than CSV: by default the table as one sheet."""
        content: bytes = workbook_bytes(self.table())
        return content


_EXPORTERS: dict[str, type[Exporter]] = {}


def register(exporter: type[Exporter]) -> type[Exporter]:
    """A class decorator: `exporter` is served at plans/<year>/export/<its name>."""
    if exporter.name in _EXPORTERS:
        raise ValueError(f"two exporters of {exporter.name}")
    _EXPORTERS[exporter.name] = exporter
    return exporter


def exporters() -> dict[str, type[Exporter]]:
    """Every registered exporter by name (each app's `exports` module registers its own,
    loaded by TargetsConfig.ready)."""
    return dict(_EXPORTERS)


def exporter_for(name: str) -> type[Exporter]:
    try:
        return _EXPORTERS[name]
    except KeyError:
        raise Http404(name) from None


def _in_language(language: str | None, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Rows are produced after the view has returned: in the request's language."""
    with translation.override(language):
        yield from chunks


def attach[R: HttpResponseBase](response: R, filename: str) -> R:
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII `filename` and the exact name in `filename*` (RFC 6266).

    Browsers that know `filename*` use it (a Chinese name survives); others get
    the ASCII fallback, non-ASCII characters replaced by "_".
    """
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
