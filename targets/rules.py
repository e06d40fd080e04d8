"""Who may do what: the one place that decides (django-rules predicates).

Views, querysets and templates ask these permissions — `user.has_perm(name, obj)`
or `Indicator.objects.editable_by(user)` — and never test roles themselves.

| permission | who |
|---|---|
| targets.view_plan (obj: plan, optional) | every signed-in user (leaders read everything); |
|   | a draft plan: only those who may see drafts |
| targets.view_draft_plans | administrators and reviewers (the planning office) |
| targets.manage_plans | admins: start next year's plan, upload one, open, close, reopen |
| targets.revise_target (obj: indicator, optional) | admins |
| targets.read_all_reports | leaders, reviewers, admins (every section's reports) |
| targets.report | those who report: staff of a section, admins ("my reports") |
| targets.read_drafts (obj: indicator) | staff of its lead and cooperating sections; leaders, |
|   | reviewers, admins |
| targets.read_report (obj: report) | submitted or approved: everyone signed in; a draft or |
|   | a returned report: those who may read the drafts of its indicator |
| targets.read_ledger_entry (obj: ledger entry) | as its quarter's report: published, |
|   | everyone signed in; otherwise those who may read the drafts of its indicator. |
|   | Its evidence files follow it (ledger.views.evidence) |
| targets.edit_report (obj: indicator) | staff of any of the indicator's lead sections; admins |
| targets.contribute (obj: indicator) | staff of its cooperating sections: their part of the |
|   | narrative (targets.models.units.Contribution), which the lead sections see |
| targets.review_report | reviewers (the planning office); admins (the menu's "Review") |
| targets.review_queue | those, and anyone who acts at a step of a plan's approval chain |
|   | (and so the menu's count of what waits for them, notices.views.menu_counts) |
| targets.approve_report (obj: report) | approve or return it at the step it waits at: |
|   | admins; with no chain, reviewers; with a chain (targets/models/approval.py), the |
|   | step's role or group (its lead sections' members only, if the step says so). |
|   | An approved report is returned by the last step's people |
| targets.approve_in_bulk (obj: report) | approve it with others from the queue: those who |
|   | may approve it, when nothing needs their comment (every item of its ledger has a |
|   | file: `QuarterlyReport.items_without_evidence`); returns are never in bulk |
| targets.report_template (obj: section, optional) | the template of a section's reports: |
|   | its staff; reviewers and admins (any section, or all: no section) |
| targets.import_reports | those who report (staff, admins); each row is then the |
|   | report form's: `targets.edit_report` on its indicator |
| targets.close_quarter | admins |

A client of the read API (api/) asks these as a signed-in reader without a role or
a section: plans that are not drafts, published reports and what belongs to them;
its section scope is `indicators_led_by`.

| oversight.write_instruction | leaders, admins: an instruction (批示) on a plan or part |
| oversight.view_follow_ups | every signed-in user: follow-ups (督办事项), replies and their files |
| oversight.assign_follow_up | the planning office (reviewers), leaders, admins |
| oversight.answer_follow_up (obj: follow-up) | staff of its owner section; admins |
| oversight.decide_follow_up | the planning office (reviewers), admins: close or send back |
| notices.view_notices | every signed-in user: their own notices in the app, and which |
|   | events reach them on which channel (their preferences) |
| notices.follow | leaders, admins: follow an indicator or a pillar (its status getting |
|   | worse than last quarter reaches them) |
"""

from collections.abc import Iterable
from typing import Any

import rules
from django.apps import apps
from django.db.models import Manager, Q

from accounts.models import User

from .states import COUNTED_STATES

# The permission table asks objects and imports no model of the plan (.importlinter):
# an indicator, a report, a ledger entry, a plan, a section, a follow-up are read by
# their attributes, and the type check reads them as Any. A user is an accounts User
# (an anonymous one is stopped by `is_signed_in`, or by `is_active` being False).
Obj = Any


@rules.predicate
def is_admin(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role == User.Role.ADMIN)


@rules.predicate
def is_reviewer(user: User) -> bool:
    return user.is_active and user.role == User.Role.REVIEWER


@rules.predicate
def is_leader(user: User) -> bool:
    return user.is_active and user.role == User.Role.LEADER


@rules.predicate
def is_section_staff(user: User) -> bool:
    return user.is_active and user.role == User.Role.STAFF and user.section_id is not None


@rules.predicate
def leads_indicator(user: User, indicator: Obj) -> bool:
    """The user's section is one of the indicator's lead units (牵头单位)."""
    return indicator is not None and user.section_id in indicator.lead_section_ids


@rules.predicate
def cooperates_on_indicator(user: User, indicator: Obj) -> bool:
    """The user's section is one of the indicator's cooperating units (配合单位)."""
    return indicator is not None and user.section_id in indicator.cooperating_section_ids


@rules.predicate
def report_is_published(user: User, report: Obj) -> bool:
    """Submitted or approved: the report is out of its section's hands."""
    return report is not None and report.state in COUNTED_STATES


@rules.predicate
def reads_drafts_of_its_indicator(user: User, report: Obj) -> bool:
    return report is not None and user.has_perm("targets.read_drafts", report.indicator)


@rules.predicate
def entry_is_published(user: User, entry: Obj) -> bool:
    """The report of the entry's quarter is submitted or approved (one query; the
    entry's indicator is read first, by `reads_drafts_of_entry_indicator`)."""
    return (
        entry is not None
        and entry.indicator.reports.filter(quarter=entry.quarter, state__in=COUNTED_STATES).exists()
    )


@rules.predicate
def reads_drafts_of_entry_indicator(user: User, entry: Obj) -> bool:
    return entry is not None and user.has_perm("targets.read_drafts", entry.indicator)


@rules.predicate
def in_section(user: User, section: Obj) -> bool:
    return section is not None and user.section_id == section.pk


@rules.predicate
def plan_is_not_draft(user: User, plan: Obj) -> bool:
    """Without a plan (may this user read plans at all?) the answer is yes."""
    return plan is None or plan.state != "draft"


is_signed_in = rules.is_authenticated & rules.is_active

# A draft plan (being set up) is seen by those who set it up and check it.
rules.add_perm("targets.view_draft_plans", is_admin | is_reviewer)
rules.add_perm("targets.view_plan", is_signed_in & (plan_is_not_draft | is_admin | is_reviewer))
rules.add_perm("targets.manage_plans", is_admin)
rules.add_perm("targets.revise_target", is_admin)
rules.add_perm("targets.read_all_reports", is_admin | is_leader | is_reviewer)
rules.add_perm("targets.report", is_admin | is_section_staff)
# Work in progress (a draft, or a returned report being reworked) stays with its
# section, the planning office and the leaders: every page, export and history that
# shows a report asks `read_report` (or `QuarterlyReport.objects.readable_by`).
rules.add_perm(
    "targets.read_drafts",
    is_admin
    | is_leader
    | is_reviewer
    | (is_section_staff & (leads_indicator | cooperates_on_indicator)),
)
rules.add_perm(
    "targets.read_report", is_signed_in & (report_is_published | reads_drafts_of_its_indicator)
)
# A ledger entry (台账) is read as the report it stands behind; so are its files.
rules.add_perm(
    "targets.read_ledger_entry",
    is_signed_in & (reads_drafts_of_entry_indicator | entry_is_published),
)
rules.add_perm("targets.edit_report", is_admin | (is_section_staff & leads_indicator))
# A cooperating section adds its part; the lead sections write and submit the report.
# A contribution is a section's: ask `may_contribute`, which leaves out Django's
# shortcut that gives a superuser (who has no section) every permission.
rules.add_perm("targets.contribute", is_section_staff & cooperates_on_indicator)


def may_contribute(user: User, indicator: Obj) -> bool:
    """`targets.contribute` as the rule says, for superusers too."""
    return bool(rules.has_perm("targets.contribute", user, indicator))


def reports_readable_filter(user: User, published: Q | None = None) -> Q | None:
    """`targets.read_report` over many reports at once, for querysets of reports, of
    their historical rows or of what belongs to a report (ledger entries): None when
    `user` may read them all, else the Q of those they may (the published ones, and
    the drafts of the indicators their section leads or cooperates on). `published`:
    how the queryset at hand
    says "its report is submitted or approved" (by default, its own `state`).
    Written beside the permission so that the two cannot drift; tests/test_privacy.py
    checks that they agree for every user and report.
    """
    if not is_signed_in(user):
        return Q(pk__in=[])
    if is_admin(user) or is_leader(user) or is_reviewer(user):
        return None
    if published is None:
        published = Q(state__in=COUNTED_STATES)
    if is_section_staff(user):
        return published | _carried_by_section(user)
    return Q(published)


def _units() -> Manager[Any]:
    """The lead and cooperating units' rows, looked up rather than imported: the
    permission table imports no model (.importlinter)."""
    return apps.get_model("targets", "IndicatorUnit").objects


def indicators_led_by(section_ids: Iterable[int | None], prefix: str = "") -> Q:
    """The Q of the indicators led by one of `section_ids` (`prefix`: the path to the
    indicator from the queryset at hand, e.g. "indicator__"): the read API's section
    scope, written here beside the section rules above so that they change together.
    A subquery, so an indicator with two of those leads is not repeated."""
    leads = _units().filter(section__in=section_ids, role="lead")
    return Q(**{f"{prefix}pk__in": leads.values("indicator_id")})


def _carried_by_section(user: User, field: str = "indicator_id") -> Q:
    """Q: the row's indicator is led or cooperated on by `user`'s section (a subquery,
    so a published row is never repeated by a join over several units)."""
    units = _units().filter(section_id=user.section_id)
    return Q(**{f"{field}__in": units.values("indicator_id")})


def drafts_readable_filter(user: User, field: str = "indicator_id") -> Q | None:
    """`targets.read_drafts` over the indicators of many rows at once: None when `user`
    may read them all, else the Q of the rows they may."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if is_admin(user) or is_leader(user) or is_reviewer(user):
        return None
    if is_section_staff(user):
        return _carried_by_section(user, field)
    return Q(pk__in=[])


@rules.predicate
def acts_in_a_chain(user: User) -> bool:
    """`user` acts at some step of some plan's approval chain (one query, once per
    request: the menu asks it on every page)."""
    if not user.pk:
        return False
    cached = getattr(user, "_acts_in_a_chain", None)
    if cached is None:
        # Looked up, not imported: the permission table imports no model (.importlinter).
        steps = apps.get_model("targets", "ApprovalStep")
        cached = steps.objects.filter(
            Q(group__user=user) | (~Q(role="") & Q(role=user.role))
        ).exists()
        user._acts_in_a_chain = cached  # type: ignore[attr-defined]  # a per-request cache
    return cached


def _acting_step(report: Obj) -> Obj:
    """The step that acts on `report` now: the one it waits at, or the last for an
    approved report (which only the last step returns); None for a plan of one step."""
    chain = report.indicator.plan.approval_chain()
    if not chain:
        return None
    return chain[min(report.step, len(chain) - 1)] if report.state == "submitted" else chain[-1]


@rules.predicate
def acts_at_report_step(user: User, report: Obj) -> bool:
    if report is None:
        return False
    step = _acting_step(report)
    if step is None:
        return bool(is_reviewer(user))
    if not step.admits(user, user.group_ids()):
        return False
    if not step.own_section_only:
        return True
    return user.section_id is not None and bool(leads_indicator(user, report.indicator))


def awaiting_filter(user: User, plan: Obj) -> Q:
    """The Q of `plan`'s submitted reports that wait for `user` at their step: the
    review queue's rows, `approve_report` over many reports at once (no query beyond
    the chain and the user's groups; tests/test_approval_chain.py checks they agree)."""
    submitted = Q(state="submitted")
    chain = plan.approval_chain()
    if is_admin(user) or (not chain and is_reviewer(user)):
        return submitted
    wanted = Q(pk__in=[])
    for index, step in enumerate(chain):
        if step.admits(user, user.group_ids()):
            here = Q(step=index)
            if step.own_section_only:
                here &= indicators_led_by([user.section_id], "indicator__")
            wanted |= here
    return submitted & wanted


rules.add_perm("targets.review_report", is_admin | is_reviewer)
# The queue also opens to those who act at a step of a chain (a section head, a leader);
# the menu asks `review_report` alone, which costs no query on every page, and shows
# "Review" to the others when the menu's counts (asked after the page has loaded) say
# `review_queue` gives them a waiting count.
rules.add_perm("targets.review_queue", is_admin | is_reviewer | acts_in_a_chain)
rules.add_perm("targets.approve_report", is_signed_in & (is_admin | acts_at_report_step))


@rules.predicate
def approval_needs_no_comment(user: User, report: Obj) -> bool:
    """Nothing in the report asks for the reviewer's word (one query for a ledger)."""
    return report is not None and not report.items_without_evidence()


# Asked after `approve_report`, which is cheaper and says a different "no".
rules.add_perm(
    "targets.approve_in_bulk",
    is_signed_in & (is_admin | acts_at_report_step) & approval_needs_no_comment,
)


def may_approve_in_bulk(user: User, report: Obj) -> bool:
    """`targets.approve_in_bulk` as the rule says, for superusers too (Django's
    `has_perm` grants a superuser everything, a report lacking evidence included)."""
    return bool(rules.has_perm("targets.approve_in_bulk", user, report))


# A spreadsheet of a quarter's reports (targets/report_sheet/): the template of one's
# own section, or of any for the planning office; uploading is for those who report,
# and each row then needs `edit_report` like the form it stands for.
rules.add_perm("targets.report_template", is_admin | is_reviewer | (is_section_staff & in_section))
rules.add_perm("targets.import_reports", is_admin | is_section_staff)
rules.add_perm("targets.close_quarter", is_admin)


@rules.predicate
def owns_follow_up(user: User, follow_up: Obj) -> bool:
    return follow_up is not None and user.section_id == follow_up.owner_section_id


# Instructions and follow-ups (oversight/): leaders instruct, the office assigns and
# checks, the owner section answers.
rules.add_perm("oversight.write_instruction", is_admin | is_leader)
rules.add_perm("oversight.view_follow_ups", is_signed_in)
rules.add_perm("oversight.assign_follow_up", is_admin | is_reviewer | is_leader)
rules.add_perm("oversight.answer_follow_up", is_admin | (is_section_staff & owns_follow_up))
rules.add_perm("oversight.decide_follow_up", is_admin | is_reviewer)
rules.add_perm("notices.view_notices", is_signed_in)
rules.add_perm("notices.follow", is_leader | is_admin)
