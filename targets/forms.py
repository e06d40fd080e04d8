"""Forms of the reporting workflow.

Figures arrive as people type them: full-width digits (１２) from Chinese input
methods and thousands separators (1,234) from Excel habits are numbers too.
"""

import re
import unicodedata
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import QuarterlyReport
from .models.report import COMMENT_MAX_LENGTH, MAX_FIGURE, NARRATIVE_FIELDS, NARRATIVE_MAX_LENGTH
from .models.units import CONTRIBUTION_MAX_LENGTH

# A figure this many times the annual target (or last year's figure) is probably a typo.
SUSPICIOUS_FACTOR = 5

_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")
# A number followed by words: "5次", "5 家", "1,234 events".
_TRAILING_UNIT = re.compile(r"^(?P<number>[-+]?[\d.,\s]*\d\.?)\s*(?P<unit>[^\d\s.,+-][^\d]*)$")


class FigureField(forms.DecimalField):
    """A decimal that also accepts full-width characters, thousands separators and the
    indicator's own unit typed after the number ("5次", "5 家"), and refuses fractions
    of a unit that counts whole things (`Indicator.whole_number`)."""

    def __init__(self, *, indicator=None, **kwargs):
        kwargs.update(max_digits=14, decimal_places=2, min_value=Decimal(0))
        super().__init__(**kwargs)
        self.indicator = indicator
        self.error_messages["invalid"] = _("Enter a number, such as 12 or 1,234.5.")
        for validator in self.validators:
            if isinstance(validator, MinValueValidator):
                validator.message = _("A figure cannot be negative.")

    def to_python(self, value):
        if isinstance(value, str):
            # NFKC maps full-width digits, comma, point and minus to ASCII.
            value = unicodedata.normalize("NFKC", value).strip()
            value = self._without_unit(value).replace(" ", "")
            if "," in value:
                if not _GROUPED.match(value):
                    raise ValidationError(
                        _("Put commas only between groups of three digits, as in 1,234."),
                        code="invalid",
                    )
                value = value.replace(",", "")
        return super().to_python(value)

    def _without_unit(self, value):
        """The number of "5次" / "5 家" / "5 events" when the unit is the indicator's own;
        a clear refusal when it is another ("5 人" for an indicator counted in 家)."""
        match = _TRAILING_UNIT.match(value)
        if not match:
            return value
        number, typed = match.group("number").strip(), match.group("unit").strip()
        indicator = self.indicator
        own = {indicator.unit, indicator.unit_en.lower()} - {""} if indicator else set()
        if typed.lower() in own:
            return number
        if not own:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        raise ValidationError(
            _(
                "“%(typed)s” is not this indicator's unit, which is %(unit)s: "
                "enter the number alone, such as %(number)s."
            ),
            params={"typed": typed, "unit": indicator.unit_display, "number": number},
            code="unit",
        )

    def run_validators(self, value):
        if self.indicator is None or not self.indicator.figure_may_be_negative:
            return super().run_validators(value)
        # A growth reported as a rate may be a fall (-2.5 %): every check but the floor.
        kept = self.validators
        self.validators = [v for v in kept if not isinstance(v, MinValueValidator)]
        try:
            super().run_validators(value)
        finally:
            self.validators = kept

    def validate(self, value):
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        whole = self.indicator is not None and self.indicator.whole_number
        if whole and value is not None and value != value.to_integral_value():
            raise ValidationError(
                _(
                    "A figure in %(unit)s must be a whole number: "
                    "enter %(lower)s or %(upper)s, not %(value)s."
                ),
                params={
                    "unit": self.indicator.unit_display,
                    "lower": value.to_integral_value(rounding=ROUND_FLOOR),
                    "upper": value.to_integral_value(rounding=ROUND_CEILING),
                    "value": f"{value.normalize():f}",
                },
                code="whole",
            )
        places = self.indicator.figure_places if self.indicator is not None else 2
        if not whole and value is not None and value != round(value, places):
            raise ValidationError(
                ngettext(
                    "A figure of this indicator has at most %(places)s decimal place: "
                    "enter %(rounded)s, not %(value)s.",
                    "A figure of this indicator has at most %(places)s decimal places: "
                    "enter %(rounded)s, not %(value)s.",
                    places,
                ),
                params={
                    "places": places,
                    "rounded": f"{round(value, places):f}",
                    "value": f"{value.normalize():f}",
                },
                code="decimal_places",
            )
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

    # Said next to an empty narrative the plan requires (Plan.narratives_required).
    NARRATIVE_NEEDED = {
        "progress": _("Write the progress before submitting (a draft may stay empty)."),
        "problems": _("Write the problems before submitting (a draft may stay empty)."),
        "next_steps": _("Write the next steps before submitting (a draft may stay empty)."),
    }

    def __init__(self, *args, indicator, plan, quarter, today, submit=False, **kwargs):
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        self.indicator, self.plan, self.quarter, self.today = indicator, plan, quarter, today
        self.submit = submit  # submitting needs the plan's narratives; a draft does not
        for name in NARRATIVE_FIELDS:
            self.fields[name].strip = False  # stored exactly as typed
            limit = {"limit": f"{NARRATIVE_MAX_LENGTH:,}"}
            self.fields[name].help_text = _("At most %(limit)s characters.") % limit
            if name in plan.required_narratives:
                self.fields[name].widget.attrs["aria-required"] = "true"
                self.fields[name].help_text = (
                    _("Needed to submit; a draft may stay empty. At most %(limit)s characters.")
                    % limit
                )
        if indicator.counts_from_ledger:
            # Counted, not typed: the figure is the number of the quarter's ledger items.
            del self.fields["value"], self.fields["confirm_large"]
            del self.fields["milestone_state"], self.fields["done_on"]
        elif indicator.has_figure:
            del self.fields["milestone_state"], self.fields["done_on"]
            if self.instance.value is not None and "value" not in given:
                self.initial["value"] = f"{self.instance.value.normalize():f}"  # 4, not 4.00
            field = self.fields["value"]
            field.indicator = indicator
            field.required = True
            field.label = _("Figure (%(unit)s)") % {"unit": indicator.unit_display or "-"}
            field.widget = forms.TextInput(
                attrs={"inputmode": "numeric" if indicator.whole_number else "decimal"}
            )
            if indicator.whole_number:
                field.help_text = _("A whole number, such as 5.")
            elif indicator.figure_may_be_negative:
                field.help_text = _("The growth in per cent; a fall is negative, such as -2.5.")
            elif indicator.decimal_places == 1:
                field.help_text = _("At most one decimal, such as 243.6.")
        elif indicator.is_milestone:
            del self.fields["value"]
            self.fields["milestone_state"].required = True
            self.fields["milestone_state"].choices = QuarterlyReport.MilestoneState.choices
        else:
            del self.fields["value"], self.fields["milestone_state"], self.fields["done_on"]
        if not self.instance.needs_reason:
            del self.fields["reason"]
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)

    def _post_clean(self):
        super()._post_clean()
        if not self.submit:
            return
        for name in self.instance.missing_narratives(self.plan):
            if name in self.fields and name not in self.errors:
                self.add_error(name, ValidationError(self.NARRATIVE_NEEDED[name], code="required"))

    def full_clean(self):
        super().full_clean()
        # After a refused save the cursor goes to the first field to correct (in the
        # form's order), so keyboard and screen-reader users land on it.
        first = next((name for name in self.fields if name in self.errors), None)
        if first is not None:
            self.fields[first].widget.attrs["autofocus"] = True

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


class ApproveTogetherForm(forms.Form):
    """The reports ticked in the review queue (`report`, their ids), each with the
    version the queue showed (`version-<id>`), so one changed since is not approved
    unseen. Returns are never in bulk: they need a reason each."""

    # The most a page of the queue holds, with room: a longer list is not ours.
    MAX_REPORTS = 200

    def clean(self):
        cleaned = super().clean()
        ids = self.data.getlist("report")
        if not ids:
            raise ValidationError(gettext("Tick the reports to approve first."))
        if len(ids) > self.MAX_REPORTS:
            raise ValidationError(gettext("Too many reports at once."))
        picked = {}
        for pk in ids:
            version = self.data.get(f"version-{pk}", "")
            if not (pk.isdigit() and version.isdigit()) or len(pk) > 9 or len(version) > 9:
                raise ValidationError(gettext("The queue's page was incomplete; reload it."))
            picked[int(pk)] = int(version)
        cleaned["picked"] = picked
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContributionForm(forms.Form):
    """A cooperating section's part of a quarter's narrative (targets/models/units.py)."""

    text = forms.CharField(
        label=_("Your section's contribution"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=CONTRIBUTION_MAX_LENGTH,
        help_text=_(
            "What your section did this quarter, for the lead units to use in their "
            "report. Kept with your name and the time; it cannot be changed afterwards."
        ),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write what your section contributed."))
        return text
