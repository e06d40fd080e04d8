from django.urls import path, register_converter

from . import views


class CodeConverter:
    """A pillar or indicator code ("P3", "P3-04"): letters, digits, "-", "_" and ".".

    Anything else in that part of a URL (a NUL byte, a space, a slash) is an
    unknown page before any query runs.
    """

    regex = r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ExportConverter:
    """An export's file name ("history.csv"); which ones exist, the view says (404)."""

    regex = r"[a-z]+\.[a-z]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CodeConverter, "code")
register_converter(ExportConverter, "export")

app_name = "targets"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.my_reports, name="my_reports"),
    path("reviews/", views.review_queue, name="review_queue"),
    # The menu's count of what waits here is asked of notices:counts, with the unread
    # notices, in one request (notices/views.py, menu_counts).
    path("latest/<slug:page>/", views.latest, name="latest"),
    # Plans across years: the list, a plan from a spreadsheet, a plan's setup, and
    # next year's plan started from this one.
    path("plans/", views.plan_list, name="plans"),
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/import/template.xlsx", views.plan_template, name="plan_template"),
    path("plans/<int:year>/", views.plan_detail, name="plan"),
    path("plans/<int:year>/setup/", views.plan_setup, name="plan_setup"),
    path("plans/<int:year>/setup/approval/", views.approval_chain, name="approval_chain"),
    path("plans/<int:year>/setup/targets/", views.confirm_targets, name="confirm_targets"),
    path("plans/<int:year>/setup/narratives/", views.plan_narratives, name="plan_narratives"),
    path("plans/<int:year>/next-year/", views.start_next_year, name="start_next_year"),
    # A quarter's reports from a spreadsheet: the template (?section=&quarter=), the
    # upload with its preview, and the confirmation.
    path(
        "plans/<int:year>/reports/template.xlsx",
        views.report_template_xlsx,
        name="report_template_xlsx",
    ),
    path(
        "plans/<int:year>/reports/template.csv",
        views.report_template_csv,
        name="report_template_csv",
    ),
    path("plans/<int:year>/reports/import/", views.report_import, name="report_import"),
    path(
        "plans/<int:year>/reports/import/confirm/",
        views.report_import_confirm,
        name="report_import_confirm",
    ),
    path("plans/<int:year>/pillars/<code:code>/", views.pillar_detail, name="pillar"),
    # Approving several reports at once from the review queue (POST).
    path(
        "plans/<int:year>/reviews/approve/",
        views.approve_together_view,
        name="approve_together",
    ),
    path("plans/<int:year>/missing/", views.missing, name="missing_reports"),
    path("plans/<int:year>/quarters/", views.quarters, name="quarters"),
    path(
        "plans/<int:year>/quarters/<int:quarter>/close/", views.close_quarter, name="close_quarter"
    ),
    path(
        "plans/<int:year>/quarters/<int:quarter>/reopen/",
        views.reopen_quarter,
        name="reopen_quarter",
    ),
    path("plans/<int:year>/indicators/<code:code>/", views.indicator_detail, name="indicator"),
    path(
        "plans/<int:year>/indicators/<code:code>/history/",
        views.indicator_history,
        name="indicator_history",
    ),
    path(
        "plans/<int:year>/indicators/<code:code>/revise/",
        views.revise_target,
        name="revise_target",
    ),
    path(
        "plans/<int:year>/indicators/<code:code>/report/<int:quarter>/",
        views.report_form,
        name="report",
    ),
    path(
        "plans/<int:year>/indicators/<code:code>/report/<int:quarter>/contribute/",
        views.contribute,
        name="contribute",
    ),
    path(
        "plans/<int:year>/indicators/<code:code>/report/<int:quarter>/review/",
        views.review_report,
        name="review_report",
    ),
    path("plans/<int:year>/export/print/", views.print_summary, name="print_summary"),
    # Every file of a plan, one exporter each (targets/exports/, ledger/exporters.py):
    # summary.csv and .xlsx and briefing.docx and .pdf take ?quarter=N and the
    # dashboard's filters (pillar, lead_section, kind, status); reports.csv,
    # history.csv; ledger.csv and .xlsx take ?pillar= or ?indicator=.
    path("plans/<int:year>/export/<export:name>", views.export, name="export"),
]
