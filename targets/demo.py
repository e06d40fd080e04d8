"""Demo data for a local run: illustrative sections, accounts and Q1–Q3 2024 reports
(and, from ledger/demo.py, example ledger items behind P3-04's and P3-07's figures),
a target revision and a 2025 draft started from 2024.

Nothing here is from the source. The sections are invented (and flagged
`is_illustrative`); the figures are chosen so that, as of Q3, every status
appears at least once. Only P2-01 and P6-01 follow the source: both documents
were read out at the conference on 26 March 2024, so they are done in Q1.

Across years (marked 示例 like the rest): one revision of a 2024 target, taking
effect on 2024-10-01 (so Q1–Q3 keep the plan's target), and the 2025 plan made
from 2024 by the rollover an administrator uses: a draft, its targets copied and to
be confirmed, its last-year figures computed from the demo's 2024 reports. It has no
reports: on the demo's today (2024-10-08) its year has not begun.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts.models import Section, User

from .ledgers import ledger_app
from .models import Indicator, IndicatorUnit, Plan, QuarterlyReport
from .models.rollover import roll_over
from .models.units import set_units

DEMO_PASSWORD = "kpi-demo-2024"
DEMO_YEAR = 2024
NEXT_YEAR = 2025

# The demo's revision: (code, revised target, effective from, reason).
REVISION = (
    "P1-02",
    Decimal(14),
    datetime.date(2024, 10, 1),
    "（示例）三季度调度会研究：部分碳纤维项目推迟至2025年实施，四季度起年度目标调整为14项。",
)
EXAMPLE_MARK = "（示例）"
NEXT_YEAR_SOURCE = (
    "示例：由2024年计划结转生成的草稿，目标沿用2024年（待确认），上年数值由2024年示例报告计算，"
    "并非吉林市2025年的真实计划。/ Example: a draft carried over from the 2024 plan; its "
    "targets are 2024's (to be confirmed) and its last-year figures come from the demo's "
    "2024 reports. Not the city's real 2025 plan."
)

# code, Chinese name, English name, the pillars whose indicators it leads
SECTIONS = [
    ("demo-industry", "产业科技科(示例)", "Industrial S&T section (illustrative)", ["P1", "P2"]),
    (
        "demo-platform",
        "平台建设科(示例)",
        "Platforms & services section (illustrative)",
        ["P3", "P6"],
    ),
    ("demo-transfer", "成果转化科(示例)", "Technology transfer section (illustrative)", ["P4"]),
    ("demo-talent", "人才工作科(示例)", "Talent section (illustrative)", ["P5"]),
    ("demo-planning", "规划办(示例)", "Planning office (illustrative)", []),
]

# username, role, section code, superuser
ACCOUNTS = [
    ("admin", User.Role.ADMIN, "demo-planning", True),
    ("leader", User.Role.LEADER, None, False),
    ("reviewer", User.Role.REVIEWER, "demo-planning", False),
    ("staff", User.Role.STAFF, "demo-platform", False),
    ("staff2", User.Role.STAFF, "demo-talent", False),
]

A, S, D = (
    QuarterlyReport.State.APPROVED,
    QuarterlyReport.State.SUBMITTED,
    QuarterlyReport.State.DRAFT,
)
DONE, IN_PROGRESS, NOT_STARTED = (
    QuarterlyReport.MilestoneState.DONE,
    QuarterlyReport.MilestoneState.IN_PROGRESS,
    QuarterlyReport.MilestoneState.NOT_STARTED,
)

# code -> [(quarter, figure or milestone state, approval state, date done)]
# Status as of Q3 (expected 75 %) in the comment.
REPORTS = {
    "P1-01": [(1, 2, A), (2, 3, A), (3, 3, A)],  # 8/10 = 80 %: on track
    "P1-02": [(1, 3, A), (2, 4, A), (3, 3, S)],  # 10/16 = 62.5 %: behind
    "P1-03": [(1, NOT_STARTED, A), (2, IN_PROGRESS, A), (3, IN_PROGRESS, S)],  # due Q4: on track
    "P1-04": [(1, None, A), (2, None, A), (3, None, S)],  # qualitative
    "P2-01": [(1, DONE, A, datetime.date(2024, 3, 26))],  # met (source)
    "P2-02": [(1, IN_PROGRESS, A), (2, DONE, A, datetime.date(2024, 5, 16))],  # met
    "P2-03": [(1, NOT_STARTED, A), (2, IN_PROGRESS, A), (3, IN_PROGRESS, A)],  # on track
    "P2-04": [(1, 12, A), (2, 25, A), (3, 30, S)],  # monitored: 67 so far (2023: 108)
    "P2-05": [(1, 180, A), (2, 205, A), (3, 231, S)],  # monitored: 231 (2023: 224)
    "P3-01": [(1, None, A), (2, None, A), (3, None, A)],  # qualitative
    "P3-02": [(1, IN_PROGRESS, A), (2, IN_PROGRESS, A), (3, IN_PROGRESS, A)],  # on track
    "P3-03": [(1, 0, A), (2, 1, A), (3, 0, A)],  # 1/1: met
    "P3-04": [(1, 2, A), (2, 2, A), (3, 3, S)],  # 7/10 = 70 %: at risk
    "P3-05": [(1, 20, A), (2, 22, A), (3, 25, A)],  # 67/83 = 80.7 %: on track
    "P3-06": [(1, 1, A), (2, 2, A), (3, 1, D)],  # Q3 only a draft: not reported
    "P3-07": [(1, 3, A), (2, 4, A), (3, 4, A)],  # 11/10: met
    "P4-01": [(1, None, A), (2, None, A)],  # qualitative
    "P4-02": [(1, None, A), (2, None, A), (3, None, S)],  # qualitative
    "P4-03": [(1, NOT_STARTED, A), (2, IN_PROGRESS, A), (3, IN_PROGRESS, S)],  # on track
    "P5-01": [(1, 4, A), (2, 4, A), (3, 3, S)],  # 11/15 = 73.3 %: at risk
    "P5-02": [(1, 40, A), (2, 45, A), (3, 48, A)],  # level 48 >= 48: met
    "P5-03": [(1, 10, A), (2, 12, A), (3, 10, S)],  # 32/50 = 64 %: behind
    "P5-04": [(1, 80, A), (2, 95, A), (3, 100, S)],  # level 100, not > 100: on track
    "P5-05": [(1, 8, A), (2, 8, A)],  # no Q3 figure: not reported
    "P6-01": [(1, DONE, A, datetime.date(2024, 3, 26))],  # met (source)
    "P6-02": [(1, None, A), (2, None, A), (3, None, S)],  # qualitative
    "P6-03": [(1, NOT_STARTED, A), (2, IN_PROGRESS, A), (3, IN_PROGRESS, S)],  # on track
    "P6-04": [(1, 3, A), (2, 4, A), (3, 4, S)],  # 11/15 = 73.3 %: at risk
    "P6-05": [(1, NOT_STARTED, A), (2, DONE, A, datetime.date(2024, 5, 25))],  # met
}

NARRATIVE = {
    "progress": "(示例)第{q}季度按计划推进相关工作。",
    "problems": "(示例)个别项目进度偏慢。",
    "next_steps": "(示例)下季度加强调度,确保完成年度任务。",
}


def ensure_demo_allowed():
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "Demo accounts have a published password: they are only created with DJANGO_DEBUG on."
        )


@transaction.atomic
def setup_demo(stdout=None):
    """Create the demo sections, accounts and reports; assign lead sections.

    Safe to repeat: existing accounts and reports are left as they are.
    Returns a dict of what was created.
    """
    ensure_demo_allowed()
    plan = Plan.objects.get(year=DEMO_YEAR)
    sections = _sections(plan)
    users = _accounts(sections)
    ledger_app().prepare_demo(plan)  # Jilin City's divisions; P3-04, P3-07 count from ledgers
    created_reports = _reports(plan, users, ledger_app().demo_edit)
    _revision(plan, users["admin"])
    _next_year(plan, users["admin"])
    return {"accounts": users["_created"], "reports": created_reports}


def _revision(plan, admin):
    code, target, effective_from, reason = REVISION
    indicator = plan.indicators.get(code=code)
    if not indicator.revisions.exists():
        indicator.revise_target(
            target=target, effective_from=effective_from, reason=reason, by=admin
        )


def _next_year(plan, admin):
    """The 2025 draft, made by the same rollover an administrator starts on the plan's
    set-up page, then marked as an example."""
    if Plan.objects.filter(year=NEXT_YEAR).exists():
        return
    draft = roll_over(plan, by=admin)
    draft.name_zh += EXAMPLE_MARK
    draft.name_en += " (example)"
    draft.source = NEXT_YEAR_SOURCE
    draft.save_by(admin, "演示数据 / demo data", update_fields=["name_zh", "name_en", "source"])


def _sections(plan):
    sections = {}
    for code, name_zh, name_en, pillars in SECTIONS:
        section, _created = Section.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "is_illustrative": True}
        )
        sections[code] = section
        # Lead sections are the demo's own: the source names none. Only unset
        # leads are filled, so an administrator's choice survives a second run.
        unset = plan.indicators.filter(pillar__code__in=pillars).exclude(
            units__role=IndicatorUnit.Role.LEAD
        )
        for indicator in unset:
            set_units(indicator, leads=[section], cooperating=indicator.cooperating)
    return sections


def _accounts(sections):
    users, created = {}, 0
    for username, role, section_code, superuser in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=f"{username}@example.org",  # reminders go to the console in development
                role=role,
                section=sections.get(section_code),
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        users[username] = user
    users["_created"] = created
    return users


def _author(indicator, users):
    section = indicator.first_lead.code if indicator.first_lead else None
    return {"demo-platform": users["staff"], "demo-talent": users["staff2"]}.get(
        section, users["admin"]
    )


def _reports(plan, users, ledger_edit):
    created = 0
    indicators = {i.code: i for i in plan.indicators.with_units()}
    for code, rows in REPORTS.items():
        indicator = indicators[code]
        for quarter, figure, state, *done_on in rows:
            if indicator.reports.filter(quarter=quarter).exists():
                continue
            report = QuarterlyReport(
                indicator=indicator,
                quarter=quarter,
                state=state,
                entered_by=_author(indicator, users),
                **{k: v.format(q=quarter) for k, v in NARRATIVE.items()},
            )
            if indicator.kind == Indicator.Kind.MILESTONE:
                report.milestone_state = figure
                report.done_on = done_on[0] if done_on else None
            elif figure is not None:
                report.value = Decimal(figure)
            # A ledger indicator's figure is the number of its example items (示例).
            report.save_by(
                report.entered_by,
                reason="演示数据 / demo data",
                ledger=ledger_edit(indicator, quarter),
            )
            created += 1
    return created
