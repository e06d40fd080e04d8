"""Each row of an upload as a post of the report form; the preview; applying it.

A row is turned into the data a person would post on the report page of its
indicator and quarter, and checked by the same code, in the same order as that
page (targets/views/reporting.py `report_form`): the permission
(`targets.edit_report`), why the report cannot be entered now (`entry_refusal`: a
plan that is not active, a quarter not begun or closed, an approved report), the
version the template was made from against the stored one (a conflict), then
`ReportForm` itself (FigureField's full-width digits and thousands separators, whole
numbers, the milestone's date, the narratives' limits, the confirmation of a large
figure). Applying calls `QuarterlyReport.record_entry` for each changed row inside
one transaction, so its lock, version claim and history apply; one failure rolls
everything back.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms import ReportForm
from ..ledgers import ledger_app
from ..models import QuarterlyReport
from ..models.report import (
    COMMENT_MAX_LENGTH,
    DatabaseBusy,
    EditConflict,
    ReportLocked,
    entry_refusal,
)
from ..plan_sheet.reader import Problem
from .columns import FORM_FIELDS, LEDGER, REPORTS, YES
from .ledger import LedgerBinding

FILE_NAME_IN_REASON = 200  # characters of the file's name kept in the history's reason


def milestone_words():
    """{word: value} for the milestone states: values and labels in both languages."""
    words = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in QuarterlyReport.MilestoneState.choices:
                words[str(label).lower()] = value
    words.update({value: value for value in QuarterlyReport.MilestoneState.values})
    return words


def import_reason(file_name, row_reason=""):
    """The history's reason for a row's change: the file's name, and the row's own reason."""
    reason = _("Imported from %(file)s") % {"file": file_name[:FILE_NAME_IN_REASON]}
    if row_reason.strip():
        reason = f"{reason}: {row_reason.strip()}"
    return reason[:COMMENT_MAX_LENGTH]


@dataclass
class Change:
    column: str
    old: str
    new: str


@dataclass
class Row:
    number: int
    code: str
    indicator: object = None
    report: QuarterlyReport | None = None
    form: ReportForm | None = None
    ledger: LedgerBinding | None = None  # the quarter's ledger items, when the sheet has any
    reason: str = ""
    changes: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.changes)

    @property
    def status(self):
        if self.problems:
            return "problem"
        return "change" if self.changes else "unchanged"


@dataclass
class Preview:
    """The upload checked: every row, every problem; nothing saved."""

    plan: object
    quarter: int
    file_name: str
    sheet: object  # reader.Sheet
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # every problem, the file's and the rows'

    @property
    def ok(self):
        return not self.problems and bool(self.changed_rows)

    def divisions(self):
        """The counties and districts, for the ledger rows' names (one query, once)."""
        if not hasattr(self, "_divisions"):
            self._divisions = list(ledger_app().divisions())
        return self._divisions

    @property
    def changed_rows(self):
        return [row for row in self.rows if row.changed]

    @property
    def unchanged_count(self):
        return sum(1 for row in self.rows if row.status == "unchanged")

    @property
    def can_save_drafts(self):
        """Drafts only when no changed report was submitted already (the form's rule:
        a submitted report can only be resubmitted)."""
        return all(row.report.can_save_draft for row in self.changed_rows)


def _header(key):
    return REPORTS.column(key).header


class _Check:
    def __init__(self, preview, row):
        self.preview, self.row = preview, row

    def ledger_problem(self, number, key, message):
        """A problem of a row of the ledger sheet (or of the report row, without one)."""
        if number is None:
            self.problem("", message)
            return
        problem = Problem(
            str(message),
            sheet=LEDGER.title,
            row=number,
            column=LEDGER.column(key).header if key else "",
        )
        self.row.problems.append(problem)
        self.preview.problems.append(problem)

    def problem(self, key, message):
        problem = Problem(
            str(message),
            sheet=REPORTS.title,
            row=self.row.number,
            column=_header(key) if key else "",
        )
        self.row.problems.append(problem)
        self.preview.problems.append(problem)


def preview(sheet, *, plan, quarter, user, file_name, today):
    """A `Preview` of `sheet` (reader.Sheet) as reports of `plan`'s `quarter`."""
    result = Preview(plan, quarter, file_name, sheet, problems=list(sheet.problems))
    indicators = {i.code: i for i in plan.indicators.for_standings()}
    closed = plan.is_quarter_closed(quarter)
    future = plan.is_future(quarter, today)
    words = milestone_words()
    items = _ledger_rows(result, sheet)
    seen = {}
    for number, texts in sheet.rows.rows:
        row = Row(number, texts.get("code", ""))
        result.rows.append(row)
        check = _Check(result, row)
        lines = items.pop(row.code, [])
        if not _identifies(check, texts, plan, quarter, indicators, seen):
            continue
        _bind(check, texts, plan, quarter, user, today, words, lines, closed=closed, future=future)
    for code, lines in items.items():
        for number, _texts in lines:
            result.problems.append(
                Problem(
                    _("%(code)s has no row on the reports sheet: add it there too.")
                    % {"code": code or "—"},
                    sheet=LEDGER.title,
                    row=number,
                    column=LEDGER.column("code").header,
                )
            )
    if not result.problems and not result.changed_rows:
        result.problems.append(Problem(_("The sheet changes no report."), sheet=REPORTS.title))
    return result


def _ledger_rows(result, sheet):
    """{code: [(row number, texts)]} of the ledger sheet."""
    items = {}
    for number, texts in sheet.ledger.rows:
        items.setdefault(texts.get("code", ""), []).append((number, texts))
    return items


def _identifies(check, texts, plan, quarter, indicators, seen):
    """Whether the row names a known indicator of this plan and quarter, once."""
    row, ok = check.row, True
    if texts.get("year", "") != str(plan.year):
        check.problem(
            "year",
            _("This row is of the %(found)s template; this import is for %(year)s.")
            % {"found": texts.get("year") or "?", "year": plan.year},
        )
        ok = False
    if texts.get("quarter", "").upper().removeprefix("Q") != str(quarter):
        check.problem(
            "quarter",
            _("This row is of Q%(found)s's template; this import is for Q%(quarter)s.")
            % {"found": texts.get("quarter") or "?", "quarter": quarter},
        )
        ok = False
    if not row.code:
        check.problem("code", _("The code is empty."))
        return False
    if row.code in seen:
        check.problem(
            "code",
            _("Code %(code)s is here twice (row %(row)s too): one row per indicator.")
            % {"code": row.code, "row": seen[row.code]},
        )
        return False
    seen[row.code] = row.number
    row.indicator = indicators.get(row.code)
    if row.indicator is None:
        check.problem(
            "code",
            _("The %(year)s plan has no indicator %(code)s.")
            % {"year": plan.year, "code": row.code},
        )
        return False
    return ok


def _data(texts, report, words, reason):
    """The row as the report form's POST data."""
    data = {name: texts.get(name, "") for name in FORM_FIELDS}
    state = data["milestone_state"]
    data["milestone_state"] = words.get(" ".join(state.split()).lower(), state)
    data["version"] = texts.get("version", "")
    data["reason"] = reason
    if texts.get("confirm_large", "").strip().lower() in YES:
        data["confirm_large"] = "on"
    return data


def _display(form, name, value):
    if value in (None, ""):
        return "—"
    if name == "milestone_state":
        return str(dict(QuarterlyReport.MilestoneState.choices).get(value, value))
    if name == "value" and isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _bind(check, texts, plan, quarter, user, today, words, lines, *, closed, future):
    row = check.row
    indicator = row.indicator
    report = indicator.report_for(quarter) or QuarterlyReport(indicator=indicator, quarter=quarter)
    row.report = report
    if not lines and _as_stored(texts, report, words):
        return  # every cell reads as stored: no form to build (most rows of a big sheet)
    row.reason = import_reason(check.preview.file_name, texts.get("reason", ""))
    form = ReportForm(
        _data(texts, report, words, row.reason),
        instance=report,
        indicator=indicator,
        plan=plan,
        quarter=quarter,
        today=today,
    )
    row.form = form
    unused = _unused_cells(form, texts, report)
    changed = _changed(form, report)
    if lines and not indicator.keeps_ledger:
        for number, _texts in lines:
            check.ledger_problem(
                number, "code", _("%(code)s keeps no ledger.") % {"code": indicator.code}
            )
        return
    if lines:
        row.ledger = LedgerBinding(
            indicator, plan, quarter, today, lines, check.preview.divisions()
        )
    ledger_changed = row.ledger is not None and row.ledger.changed
    if not changed and not unused and not ledger_changed:
        return  # as stored: nothing to check, nothing to save
    _list_changes(check, form, changed, unused, ledger_changed)
    if _refused(check, texts, plan, user, report, closed=closed, future=future):
        return
    if _valid(check, form, row):
        _fill_new_values(row, form, changed, ledger_changed)


def _list_changes(check, form, changed, unused, ledger_changed):
    """The row's changes as they were (the new values once the form is valid), and a
    problem for each cell filled where the indicator takes no value."""
    row, indicator = check.row, check.row.indicator
    row.changes = [
        Change(_header(name), _display(form, name, form.initial.get(name)), "") for name in changed
    ]
    if ledger_changed:
        row.changes.append(Change(LEDGER.title, row.ledger.before, ""))
    for key in unused:
        check.problem(
            key,
            _("%(code)s takes no value here (it is a %(kind)s): leave the cell empty.")
            % {"code": indicator.code, "kind": indicator.get_kind_display()},
        )


def _refused(check, texts, plan, user, report, *, closed, future):
    """Whether the user may not enter this row now, with the problem that says why.

    The report page's order: who, whether now, whose version, then the form."""
    indicator = check.row.indicator
    if not user.has_perm("targets.edit_report", indicator):
        check.problem(
            "code",
            _("Only the lead units (%(section)s) report on %(code)s.")
            % {"section": indicator.lead_names or "—", "code": indicator.code},
        )
        return True
    refusal = entry_refusal(plan, report, future=future, closed=closed)
    if refusal:
        check.problem("code", refusal)
        return True
    if _posted_version(texts) != (report.version if report.pk else 0):
        check.problem("version", conflict_message(report))
        return True
    return False


def _valid(check, form, row):
    """Whether the form and the row's ledger lines are valid; each error a problem."""
    valid = form.is_valid()
    if not valid:
        for name, errors in form.errors.items():
            key = name if name in REPORTS.columns_by_key else ""
            for error in errors:
                check.problem(key, error)
    if row.ledger is not None:
        for number, key, message in row.ledger.problems():
            valid = False
            check.ledger_problem(number, key, message)
    return valid


def _fill_new_values(row, form, changed, ledger_changed):
    for change, name in zip(row.changes, changed, strict=False):
        change.new = _display(form, name, form.cleaned_data.get(name))
    if ledger_changed:
        row.changes[-1].new = row.ledger.after


def _as_stored(texts, report, words):
    """Whether every cell the form reads holds the stored value as the template writes
    it: a shortcut past building the form, only ever to "unchanged" (any difference,
    however it is written, goes to the form)."""
    stored = {
        "value": "" if report.value is None else f"{report.value.normalize():f}",
        "done_on": report.done_on.isoformat() if report.done_on else "",
        "progress": report.progress,
        "problems": report.problems,
        "next_steps": report.next_steps,
    }
    if any(texts.get(name, "") != text for name, text in stored.items()):
        return False
    state = texts.get("milestone_state", "")
    return words.get(" ".join(state.split()).lower(), state) == report.milestone_state


def _changed(form, report):
    """The form's fields whose posted value differs from the stored one, compared as
    values (Django's `changed_data` compares a figure's initial text "4" with the
    number 4: always "changed")."""
    changed = []
    for name in FORM_FIELDS:
        if name not in form.fields:
            continue
        field = form.fields[name]
        try:
            new = field.to_python(field.widget.value_from_datadict(form.data, {}, name))
        except ValidationError:
            changed.append(name)  # not even readable: the form will say why
            continue
        old = getattr(report, name)
        if (new in (None, "")) and (old in (None, "")):
            continue
        if new != old:
            changed.append(name)
    return changed


def _unused_cells(form, texts, report):
    """Columns filled for a field this indicator's form does not have (a figure for a
    milestone, a state for a count); a counted figure may stay as the template wrote it."""
    unused = []
    for name in FORM_FIELDS:
        text = texts.get(name, "").strip()
        if not text or name in form.fields:
            continue
        counted = name == "value" and form.indicator.counts_from_ledger
        if counted and _same_number(text, report.value):
            continue
        unused.append(name)
    return unused


def _same_number(text, value):
    try:
        return value is not None and Decimal(text.replace(",", "")) == value
    except InvalidOperation:
        return False


def _posted_version(texts):
    try:
        return int(texts.get("version") or 0)
    except ValueError:
        return -1  # an altered version never matches


def conflict_message(report):
    """A row whose report was saved since the template was made (as the form's 409)."""
    current = QuarterlyReport.objects.select_related("entered_by").filter(pk=report.pk).first()
    if current is None:
        return _("This report was removed since the template was made: download a new one.")
    return _(
        "Conflict: %(who)s saved this report (now version %(version)s) on %(when)s, after "
        "the template was made. Download a new template, or enter the change on the "
        "report's page."
    ) % {
        "who": current.entered_by or "—",
        "version": current.version,
        "when": f"{current.updated_at:%Y-%m-%d %H:%M}",
    }


# Said when SQLite's write lock outlasted the busy timeout: by a row of `apply`, and by
# the import's view when the wait came before the first row (views/report_import.py).
BUSY = gettext_lazy("The database is busy: nothing was saved. Try again.")


class NotApplied(Exception):
    """Nothing was applied; `preview.problems` says why."""


def apply(result, *, by, submit):
    """Every changed row of a clean `Preview`, saved in one transaction (drafts, or
    submissions when `submit`), each through `record_entry`; NotApplied if any fails."""
    if not result.ok:
        raise NotApplied()
    current = None
    try:
        with transaction.atomic():
            for row in result.changed_rows:
                current = row
                if not submit and not row.report.can_save_draft:
                    raise ReportLocked("submitted")
                missing = row.report.missing_narratives(result.plan) if submit else []
                if missing:
                    _failed(result, current, missing[0], ReportForm.NARRATIVE_NEEDED[missing[0]])
                row.report.record_entry(
                    by=by,
                    submit=submit,
                    reason=row.reason,
                    expected_version=row.form.cleaned_data.get("version") or 0,
                    ledger=row.ledger.edit() if row.ledger is not None else None,
                )
    except EditConflict:
        _failed(result, current, "version", conflict_message(current.report))
    except ReportLocked:
        report = current.report
        message = entry_refusal(
            result.plan,
            QuarterlyReport.objects.filter(pk=report.pk).first() or report,
            future=False,
            closed=result.plan.is_quarter_closed(result.quarter),
        ) or _("This report was submitted already: it can only be submitted again.")
        _failed(result, current, "code", message)
    except ValueError:
        _failed(result, current, "reason", _("Say why you change a report that was submitted."))
    except DatabaseBusy:
        _failed(result, current, "", BUSY)
    return len(result.changed_rows)


def _failed(result, row, key, message):
    _Check(result, row).problem(key, message)
    raise NotApplied()
