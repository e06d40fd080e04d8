"""reports.csv: every report the user may read, raw, one row each.

One query (the reports joined with their indicator and author) as plain tuples,
no model instances, streamed with `.iterator()`: memory stays bounded whatever the
size of the plan, and the number of queries is fixed.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import QuarterlyReport
from ..models.history import CHUNK_SIZE, IndicatorNames, People
from ..models.report import choice_labels
from .base import Exporter, register
from .table import NUMBER, Column, Row

REPORT_COLUMNS = (
    Column("code", gettext_lazy("Code")),
    Column("indicator", gettext_lazy("Indicator")),
    Column("unit", gettext_lazy("Unit")),
    Column("quarter", gettext_lazy("Quarter"), NUMBER),
    Column("figure", gettext_lazy("Figure"), NUMBER),
    Column("milestone_state", gettext_lazy("Milestone state")),
    Column("done_on", gettext_lazy("Date done")),
    Column("progress", gettext_lazy("Progress")),
    Column("problems", gettext_lazy("Problems")),
    Column("next_steps", gettext_lazy("Next steps")),
    Column("approval_state", gettext_lazy("Approval state")),
    Column("review_comment", gettext_lazy("Reviewer's comment")),
    Column("entered_by", gettext_lazy("Entered by")),
    Column("created_at", gettext_lazy("Created")),
    Column("updated_at", gettext_lazy("Last changed")),
)


# What the reports query reads: plain tuples rather than three model instances a
# row (report, indicator, author), as the history does.
REPORT_QUERY = (
    "indicator__code",
    "indicator__name_zh",
    "indicator__name_en",
    "indicator__unit",
    "quarter",
    "value",
    "milestone_state",
    "done_on",
    "progress",
    "problems",
    "next_steps",
    "state",
    "review_comment",
    "entered_by_id",
    "entered_by__username",
    "entered_by__first_name",
    "entered_by__last_name",
    "created_at",
    "updated_at",
)


@register
class ReportsCsv(Exporter):
    name = "reports.csv"
    columns = REPORT_COLUMNS

    def what(self):
        return "reports"

    def title(self):
        return _("%(plan)s — reports") % {"plan": self.plan.name}

    def rows(self):
        """Ordered by indicator and quarter; drafts and returned reports are included
        with their approval state, so the file is the raw record."""
        reports = (
            self.scope.reports.order_by("indicator__order", "indicator__code", "quarter")
            .values_list(*REPORT_QUERY)
            .iterator(chunk_size=CHUNK_SIZE)
        )
        return report_rows(reports)


def report_rows(reports):
    """Rows of `REPORT_COLUMNS` from tuples of `REPORT_QUERY`."""
    milestone_labels = choice_labels(QuarterlyReport.MilestoneState)
    approval_labels = choice_labels(QuarterlyReport.State)
    people = People()
    names = IndicatorNames()
    for (
        code,
        name_zh,
        name_en,
        unit,
        quarter,
        value,
        milestone_state,
        done_on,
        progress,
        problems,
        next_steps,
        state,
        review_comment,
        *author,
        created_at,
        updated_at,
    ) in reports:
        yield Row(
            (
                code,
                names.name(name_zh, name_en),
                unit,
                quarter,
                value,
                milestone_labels.get(milestone_state, ""),
                done_on,
                progress,
                problems,
                next_steps,
                approval_labels.get(state, state),
                review_comment,
                people.name(*author),
                created_at,
                updated_at,
            )
        )
