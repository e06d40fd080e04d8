"""A plan's approval chain: the bureau's own review steps (审核流程).

With no steps configured a plan keeps the one step it always had: a reviewer (the
planning office) or an administrator approves. With steps, a submitted report goes
through them in order — e.g. 科室负责人审核 (the section head of the report's lead
section), then 规划办审核, sometimes 分管领导 — and is approved only after the last.
`QuarterlyReport.step` is the index of the step a submitted report waits at; who
may act there is `targets.approve_report` in targets/rules.py.
"""

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import BilingualNameMixin

from ..states import ReportState
from .plan import Plan


class ApprovalStep(BilingualNameMixin, models.Model):
    """One step of a plan's approval chain, acted on by a role or a named group."""

    ROLE_CHOICES = [
        ("reviewer", _("Reviewer (planning office)")),
        ("leader", _("Leader (reads everything)")),
        ("admin", _("Administrator")),
    ]

    plan = models.ForeignKey(
        "targets.Plan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="approval_steps",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES, blank=True)
    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A section head approves only the reports of their own section's indicators.
    own_section_only = models.BooleanField(
        _("own section only"),
        default=False,
        help_text=_("Only members of the indicator's lead section act at this step."),
    )

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="") | Q(group__isnull=False),
                name="approval_step_role_or_group",
                violation_error_message=_("Choose a role or a group to act at this step."),
            ),
        ]

    def __str__(self):
        return self.name

    def admits(self, user, group_ids):
        """Whether `user` (in the groups `group_ids`) acts at this step, the section
        aside (`own_section_only` is the rules' `leads_indicator`)."""
        if self.group_id is not None and self.group_id in group_ids:
            return True
        if self.role == "admin":
            return user.is_superuser or user.role == "admin"
        return bool(self.role) and user.role == self.role


def chain_of(plan):
    """The plan's steps in order, loaded once per plan object (`Plan.approval_chain`)."""
    return plan.approval_chain()


def group_ids_of(user):
    """The ids of `user`'s groups, loaded once per request's user (`User.group_ids`)."""
    return user.group_ids() if user.pk else frozenset()


def step_label(plan, step):
    """'Step 2 of 3: 规划办审核' for a submitted report at `step`, or '' for a plan of
    one step."""
    chain = chain_of(plan)
    if len(chain) < 2 or step >= len(chain):
        return ""
    return gettext("Step %(n)s of %(of)s: %(name)s") % {
        "n": step + 1,
        "of": len(chain),
        "name": chain[step].name,
    }


class ChainInUse(Exception):
    """Reports wait partway through the chain: changing it would strand them."""


def replace_chain(plan, steps):
    """Make `steps` (unsaved ApprovalSteps, in order) the plan's chain; none is the
    one step of old. Refused while a submitted report waits past the first step,
    which the new chain might not have: such reports are approved or returned first."""
    with transaction.atomic():
        Plan.objects.lock_for_writing(pk=plan.pk)
        # Through the plan's relations: reports sit above the chain and import it, so
        # the chain does not import them (a row per waiting report, as counted before).
        waiting = plan.indicators.filter(
            reports__state=ReportState.SUBMITTED, reports__step__gt=0
        ).count()
        if waiting:
            raise ChainInUse(waiting)
        plan.approval_steps.all().delete()
        for order, step in enumerate(steps):
            step.plan, step.order = plan, order
            step.save()
    plan._approval_chain = None
