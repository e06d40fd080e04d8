"""Forms of setting up plans: a target revision, a plan's state, its approval chain.

The plan sheet's upload is targets/plan_sheet/forms.py, beside its reader.

What a revision must satisfy is the model's (`TargetRevision.clean` and its
constraints, run by the ModelForm's validation); these forms only say it next to
the right field, in the user's language.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms import FigureField
from .models import ApprovalStep, Plan, TargetRevision
from .models.report import COMMENT_MAX_LENGTH


class RevisionForm(forms.ModelForm):
    """A new target for one indicator, from a date, with the reason."""

    class Meta:
        model = TargetRevision
        fields = ["target", "effective_from", "reason"]
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"target": FigureField}

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        self.fields["target"].indicator = indicator
        # Text, not a number input: full-width digits and "12 家" are read as numbers.
        self.fields["target"].widget = forms.TextInput(
            attrs={"inputmode": "numeric" if indicator.whole_number else "decimal"}
        )
        self.fields["target"].label = _("Revised target (%(comparison)s, in %(unit)s)") % {
            "comparison": indicator.get_comparison_display(),
            "unit": indicator.unit_display or "—",
        }
        self.fields["reason"].help_text = _(
            "Shown beside the target on pages, exports and the briefing."
        )

    def full_clean(self):
        super().full_clean()
        first = next((name for name in self.fields if name in self.errors), None)
        if first is not None:
            self.fields[first].widget.attrs["autofocus"] = True


class PlanStateForm(forms.Form):
    """Open, close or reopen a plan; refresh a draft's last-year figures; delete a draft."""

    ACTIONS = [
        ("open", _("Open for reporting")),
        ("close", _("Close the year")),
        ("reopen", _("Reopen")),
        ("refresh", _("Compute last year's figures again")),
        ("delete", _("Delete this draft")),
    ]

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_year = forms.IntegerField(
        label=_("Type the plan's year to confirm"), required=False, widget=forms.TextInput
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "reopen" and not cleaned.get("reason", "").strip():
            self.add_error("reason", gettext("Say why the plan is reopened."))
        if action == "delete" and cleaned.get("confirm_year") != self.plan.year:
            self.add_error(
                "confirm_year",
                gettext("Type %(year)s to delete this draft.") % {"year": self.plan.year},
            )
        return cleaned


class ApprovalStepForm(forms.ModelForm):
    """One step of the plan's approval chain: a name, and who acts (a role or a group)."""

    class Meta:
        model = ApprovalStep
        fields = ["name_zh", "name_en", "role", "group", "own_section_only"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A step is acted on by a role or a group: the other stays "none".
        none = _("(none)")
        self.fields["role"].choices = [("", none), *ApprovalStep.ROLE_CHOICES]
        self.fields["group"].empty_label = none

    def clean(self):
        cleaned = super().clean()
        wanted = not cleaned.get("DELETE") and self.has_changed()
        if wanted and not cleaned.get("role") and not cleaned.get("group"):
            self.add_error("group", gettext("Choose a role or a group to act at this step."))
        return cleaned


# The chain's steps on the setup page: the ones there are, and room for one more.
ApprovalChainFormSet = forms.modelformset_factory(
    ApprovalStep, form=ApprovalStepForm, extra=1, max_num=6, validate_max=True, can_delete=True
)


def chain_formset(plan, data=None):
    return ApprovalChainFormSet(
        data,
        queryset=plan.approval_steps.select_related("group").order_by("order", "pk"),
        prefix="chain",
    )


class NarrativesForm(forms.Form):
    """Which narratives a report of the plan needs before it is submitted."""

    narratives_required = forms.ChoiceField(
        label=_("Narratives required to submit a report"),
        choices=Plan.Narratives.choices,
        widget=forms.RadioSelect,
        help_text=_("A draft may stay empty; the report form says what is missing."),
    )


class TargetConfirmForm(forms.Form):
    """One carried target on the draft's setup page: ticked, it is confirmed — as it
    is, or as changed here (`rollover.confirm_target`)."""

    confirm = forms.BooleanField(label=_("Confirm"), required=False)
    target = FigureField(label=_("Target"))

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, prefix=f"t{indicator.pk}", **kwargs)
        self.indicator = indicator
        field = self.fields["target"]
        field.indicator = indicator
        self.initial.setdefault("target", f"{indicator.target.normalize():f}")
        field.widget = forms.TextInput(
            attrs={"inputmode": "numeric" if indicator.whole_number else "decimal"}
        )
        field.label = _("Target of %(code)s (%(comparison)s, in %(unit)s)") % {
            "code": indicator.code,
            "comparison": indicator.get_comparison_display(),
            "unit": indicator.unit_display or "—",
        }
        self.fields["confirm"].label = _("Confirm %(code)s") % {"code": indicator.code}
        self.fields["confirm"].widget.attrs["class"] = "form-check-input"
        field.widget.attrs["class"] = "form-control form-control-sm"

    def full_clean(self):
        super().full_clean()
        if "target" in self.errors:  # the message is read out with the field
            self.fields["target"].widget.attrs.update(
                {
                    "class": "form-control form-control-sm is-invalid",
                    "aria-invalid": "true",
                    "aria-describedby": f"{self.prefix}-target-error",
                }
            )


def target_confirm_forms(plan, data=None):
    """A form per target still to confirm, in the plan's order."""
    return [TargetConfirmForm(data, indicator=i) for i in plan.targets_to_confirm()]
