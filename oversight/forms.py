"""The forms of instructions and follow-ups; each error is shown next to its field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Section
from ledger.filetypes import accept_attribute, accepted_text
from ledger.forms import EvidenceField
from targets import clock
from targets.models import PlanElement

from .models import TEXT_MAX_LENGTH, FollowUp, Instruction


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["quarter", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


def find_subject(plan, code):
    """(pillar, indicator) that `code` names in `plan` ("" is the plan itself), or None."""
    if not code:
        return None, None
    indicator = plan.indicators.filter(code=code).first()
    if indicator is not None:
        return None, indicator
    pillar = PlanElement.objects.filter(
        plan=plan, level=PlanElement.Level.PILLAR, code=code
    ).first()
    if pillar is not None:
        return pillar, None
    return None


class FollowUpForm(forms.ModelForm):
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Indicators"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("One or more; hold Ctrl (⌘ on a Mac) to choose several."),
    )
    owner_section = forms.ModelChoiceField(
        label=gettext_lazy("Owner section"), queryset=Section.objects.all()
    )

    class Meta:
        model = FollowUp
        fields = ["subject", "indicators", "owner_section", "due_date", "detail"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "detail": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, plan, indicator=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if indicator is not None:
            initial.setdefault("indicators", [indicator.pk])
            owner = indicator.first_lead  # the follow-up's default owner
            if owner is not None:
                initial.setdefault("owner_section", owner.pk)
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["indicators"].queryset = plan.indicators.order_by("code")
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} {i.name}"

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < clock.today():
            raise ValidationError(_("The due date is in the past: choose today or later."))
        return due


class AnswerForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What was done, and where it stands."),
    )
    files = EvidenceField(label=gettext_lazy("Files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ledger's gate: the same types and size, recognised from the content.
        self.fields["files"].help_text = accepted_text()
        self.fields["files"].widget.attrs["accept"] = accept_attribute()


class DecisionForm(forms.Form):
    CLOSE, SEND_BACK = "close", "send_back"
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[(CLOSE, gettext_lazy("Close: done")), (SEND_BACK, gettext_lazy("Send back"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when sending back: say what is missing."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.SEND_BACK and not data.get("note", "").strip():
            self.add_error("note", _("Say why it is sent back: the section reads this."))
        return data
