"""Forms of the reporting workflow.

Figures arrive as people type them: full-width digits (１２) from Chinese input
methods and thousands separators (1,234) from Excel habits are numbers too.
"""

import re
import unicodedata
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import QuarterlyReport
from .models.report import COMMENT_MAX_LENGTH, MAX_FIGURE, NARRATIVE_FIELDS, NARRATIVE_MAX_LENGTH

# A figure this many times the annual target (or last year's figure) is probably a typo.
SUSPICIOUS_FACTOR = 5

_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")


class FigureField(forms.DecimalField):
    """A decimal that also accepts full-width characters and thousands separators."""

    def __init__(self, **kwargs):
        kwargs.update(max_digits=14, decimal_places=2, min_value=Decimal(0))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Enter a number, such as 12 or 1,234.5.")
        for validator in self.validators:
            if isinstance(validator, MinValueValidator):
                validator.message = _("A figure cannot be negative.")

    def to_python(self, value):
        if isinstance(value, str):
            # NFKC maps full-width digits, comma, point and minus to ASCII.
            value = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
            if "," in value:
                if not _GROUPED.match(value):
                    raise ValidationError(
                        _("Put commas only between groups of three digits, as in 1,234."),
                        code="invalid",
                    )
                value = value.replace(",", "")
        return super().to_python(value)

    def validate(self, value):
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if value is not None and value > MAX_FIGURE:
            raise ValidationError(
                _("%(figure)s is too large for a quarterly figure (the limit is 1,000,000,000)."),
                params={"figure": value},
                code="max_value",
            )
        super().validate(value)


class ReportForm(forms.ModelForm):
    """The report of one indicator for one quarter; its fields follow the kind."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when changing a report that was already submitted."),
    )
    confirm_large = forms.BooleanField(
        label=_("Yes, this figure is correct"),
        required=False,
    )

    class Meta:
        model = QuarterlyReport
        fields = ["value", "milestone_state", "done_on", "progress", "problems", "next_steps"]
        widgets = {
            "done_on": forms.DateInput(attrs={"type": "date"}),
            "progress": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"value": FigureField}

    def __init__(self, *args, indicator, plan, quarter, today, **kwargs):
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        self.indicator, self.plan, self.quarter, self.today = indicator, plan, quarter, today
        for name in NARRATIVE_FIELDS:
            self.fields[name].strip = False  # stored exactly as typed
            self.fields[name].help_text = _("At most %(limit)s characters.") % {
                "limit": f"{NARRATIVE_MAX_LENGTH:,}"
            }
        if indicator.has_figure:
            del self.fields["milestone_state"], self.fields["done_on"]
            if self.instance.value is not None and "value" not in given:
                self.initial["value"] = f"{self.instance.value.normalize():f}"  # 4, not 4.00
            self.fields["value"].required = True
            self.fields["value"].label = _("Figure (%(unit)s)") % {"unit": indicator.unit or "-"}
            self.fields["value"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        elif indicator.is_milestone:
            del self.fields["value"]
            self.fields["milestone_state"].required = True
            self.fields["milestone_state"].choices = QuarterlyReport.MilestoneState.choices
        else:
            del self.fields["value"], self.fields["milestone_state"], self.fields["done_on"]
        if not self.instance.needs_reason:
            del self.fields["reason"]
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)

    @property
    def benchmark(self):
        """What a figure is compared with to catch typos: the target, else last year's."""
        return self.indicator.target or self.indicator.last_year_value

    @property
    def asks_confirmation(self):
        return "confirm_large" in self.errors or bool(self.data.get("confirm_large"))

    def clean_done_on(self):
        done_on = self.cleaned_data.get("done_on")
        if done_on is None:
            return None
        start = self.plan.quarter_start(1)
        end = min(self.plan.quarter_end(self.quarter), self.today)
        if not start <= done_on <= end:
            raise ValidationError(
                _("The date must fall between %(start)s and %(end)s."),
                params={"start": start.isoformat(), "end": end.isoformat()},
            )
        return done_on

    def clean_reason(self):
        reason = self.cleaned_data.get("reason", "")
        if not reason.strip():
            raise ValidationError(
                _("Say why you change a report that was already submitted."), code="required"
            )
        return reason

    def clean(self):
        cleaned = super().clean()
        if "milestone_state" in self.fields:
            done = cleaned.get("milestone_state") == QuarterlyReport.MilestoneState.DONE
            if done and not cleaned.get("done_on") and "done_on" not in self.errors:
                self.add_error("done_on", gettext("Give the date the milestone was done."))
            if not done:
                cleaned["done_on"] = None  # a date only belongs to a done milestone
        value = cleaned.get("value")
        limit = self.benchmark and self.benchmark * SUSPICIOUS_FACTOR
        if value is not None and limit and value > limit and not cleaned.get("confirm_large"):
            self.add_error(
                "value",
                gettext(
                    "%(value)s is more than %(factor)s times the annual target (%(target)s). "
                    "If it is right, tick the box below and save again."
                )
                % {
                    "value": f"{value.normalize():f}",
                    "factor": SUSPICIOUS_FACTOR,
                    "target": f"{self.benchmark.normalize():f}",
                },
            )
            self.add_error("confirm_large", gettext("Please confirm this unusually large figure."))
        return cleaned


class ReviewForm(forms.Form):
    ACTIONS = [("approve", _("Approve")), ("return", _("Return for changes"))]

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment for the section"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", gettext("Say what needs to change before returning it."))
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
