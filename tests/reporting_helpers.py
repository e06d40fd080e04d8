"""Small helpers shared by the reporting tests."""

from targets.models import QuarterlyReport


def report_url(code, quarter, year=2024):
    return f"/plans/{year}/indicators/{code}/report/{quarter}/"


def review_url(code, quarter, year=2024):
    return report_url(code, quarter, year) + "review/"


def form_data(report=None, **overrides):
    """A complete report form submission; starts from `report`'s stored values."""
    data = {
        "value": "",
        "progress": "进展",
        "problems": "",
        "next_steps": "",
        "version": "0",
        "action": "submit",
    }
    if report is not None:
        data.update(
            value="" if report.value is None else f"{report.value.normalize():f}",
            milestone_state=report.milestone_state,
            done_on=report.done_on.isoformat() if report.done_on else "",
            progress=report.progress,
            problems=report.problems,
            next_steps=report.next_steps,
            version=str(report.version),
        )
    data.update(overrides)
    return data


def snapshot(code, quarter):
    """What is stored for a report, history included, to prove nothing changed."""
    report = QuarterlyReport.objects.filter(indicator__code=code, quarter=quarter).first()
    if report is None:
        return None
    fields = {f: getattr(report, f) for f in (*QuarterlyReport.CONTENT_FIELDS, "state", "version")}
    return fields, report.history.count()


def admin_inline_data(context):
    """The POST data of an admin change page's inlines (the indicator's lead and
    cooperating units) as they stand, so a test posting the form changes only what
    it sets itself."""
    data = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {f"{formset.prefix}-{name}": management[name].value() for name in management.fields}
        )
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None and value is not False:
                    data[form.add_prefix(name)] = value
    return data
