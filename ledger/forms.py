"""The ledger entries of one quarter on the report form, submitted with the report.

A model formset over the quarter's entries: each row is one item (name, date, place,
document number, note), its files to add and to remove, and a tick to remove the item
itself. `EntryFormSet.edit()` turns a valid submission into a `LedgerEdit`, which the
report applies in its own save (targets/views/reporting.py).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models.report import COMMENT_MAX_LENGTH

from .filetypes import accept_attribute, accepted_text, check_upload
from .models import Division, LedgerEdit, LedgerEntry, SavedEntry, entries_of, quarter_of
from .names import near_matches, normalise

# Bootstrap's classes of the table's inputs (others: form-control form-control-sm).
WIDGET_CLASSES = {
    "division": "form-select form-select-sm",
    "confirm_distinct": "form-check-input",
    "remove_files": "form-check-input",
    "DELETE": "form-check-input",
}

EXTRA_ROWS = 1  # blank rows for new items; "Add another item" (ledger-form.js) adds more


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.Field):
    """Any number of files, each checked from its content (filetypes.check_upload);
    cleaned to a list of `CheckedUpload`. Every bad file is named in the errors."""

    widget = MultipleFileInput

    def to_python(self, data):
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]

    def validate(self, value):
        errors, self.checked = [], []
        for upload in value:
            try:
                self.checked.append(check_upload(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        return self.checked

    def has_changed(self, initial, data):
        return bool(data)


class EntryForm(forms.ModelForm):
    files = EvidenceField(label=gettext_lazy("Add evidence files"), required=False)
    remove_files = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Remove files"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_distinct = forms.BooleanField(
        label=gettext_lazy("Yes, this is a different item"), required=False
    )
    division = forms.TypedChoiceField(label=gettext_lazy("County or district"), coerce=int)

    class Meta:
        model = LedgerEntry
        fields = ["name", "date", "division", "document_number", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args, indicator, start, end, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        self.start, self.end = start, end
        self.divisions = {d.pk: d for d in divisions}
        offered = [
            (d.pk, d.name) for d in divisions if d.is_active or d.pk == self.instance.division_id
        ]
        self.fields["division"].choices = [("", _("— choose —")), *offered]
        if self.instance.pk:
            self.initial["division"] = self.instance.division_id
        self.fields["note"].max_length = COMMENT_MAX_LENGTH
        self.fields["date"].help_text = _("Between %(start)s and %(end)s.") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        self.fields["files"].help_text = accepted_text()
        self.fields["files"].widget.attrs["accept"] = accept_attribute()
        self.fields["remove_files"].choices = [(f.pk, f.name) for f in self.existing_files]
        # A row of the compact table (templates/ledger/includes/entry_row.html): small
        # inputs; the date's range and the file types are said once above the table.
        for name, field in self.fields.items():
            field.widget.attrs["class"] = WIDGET_CLASSES.get(name, "form-control form-control-sm")
        self.fields["date"].widget.attrs["aria-describedby"] = "ledger-date-help"
        self.fields["files"].widget.attrs["aria-describedby"] = "ledger-files-help"

    def full_clean(self):
        super().full_clean()
        # A field in error says so to screen readers, with its message.
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            error_id = f"{self.prefix}-{name}-error"
            shared = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{error_id} {shared}".strip()

    @property
    def existing_files(self):
        return list(self.instance.files.all()) if self.instance.pk else []

    @property
    def file_choices(self):
        """Each stored file with its "remove" tick, for the row's evidence cell."""
        return list(zip(self.existing_files, self["remove_files"], strict=True))

    @property
    def asks_confirmation(self):
        return "confirm_distinct" in self.errors or bool(self["confirm_distinct"].value())

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not normalise(name):
            raise ValidationError(_("Give the item's name."), code="required")
        return name

    def clean_division(self):
        division = self.divisions.get(self.cleaned_data["division"])
        if division is None:
            raise ValidationError(_("Choose the county or district."), code="invalid_choice")
        return division

    def clean_date(self):
        date = self.cleaned_data["date"]
        if not self.start <= date <= self.end:
            raise ValidationError(
                _(
                    "The date must fall in this quarter, between %(start)s and %(end)s; "
                    "an item of another quarter goes in that quarter's report."
                ),
                params={"start": self.start.isoformat(), "end": self.end.isoformat()},
                code="quarter",
            )
        return date

    def removed_files(self):
        chosen = set(self.cleaned_data.get("remove_files") or [])
        return [f for f in self.existing_files if f.pk in chosen]


class BaseEntryFormSet(forms.BaseModelFormSet):
    def __init__(self, *args, indicator, plan, quarter, today, **kwargs):
        self.indicator, self.plan, self.quarter = indicator, plan, quarter
        self.start = plan.quarter_start(quarter)
        self.end = min(plan.quarter_end(quarter), today)
        # One query for the places, shared by every row's choices.
        self.divisions = list(Division.objects.all())
        kwargs.setdefault("queryset", entries_of(indicator, quarter).order_by("date", "pk"))
        kwargs.setdefault("prefix", "entries")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "indicator": self.indicator,
            "start": self.start,
            "end": self.end,
            "divisions": self.divisions,
        }

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.renderer,
            **self.get_form_kwargs(None),
        )
        self.add_fields(form, None)
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this item from the ledger")
            form.fields["DELETE"].widget.attrs["class"] = WIDGET_CLASSES["DELETE"]

    def _kept(self):
        """The rows that stay (not removed), with a name."""
        return [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and form.has_changed() | bool(form.instance.pk)
            and form.cleaned_data.get("name")
        ]

    def clean(self):
        """No item twice in the year: refused outright when the normalised name is
        another item's, asked to confirm when it is near one (names.py)."""
        super().clean()
        if any(self.errors):
            return
        removed = {form.instance.pk for form in self.deleted_forms if form.instance.pk}
        kept = self._kept()
        editing = {form.instance.pk for form in kept if form.instance.pk}
        others = [
            entry
            for entry in LedgerEntry.objects.filter(indicator=self.indicator).only(
                "pk", "name", "normalized_name", "quarter", "date"
            )
            if entry.pk not in removed and entry.pk not in editing
        ]
        seen = []
        for form in kept:
            name = form.cleaned_data["name"]  # add_error() takes it out of cleaned_data
            normalised = normalise(name)
            same = next((e for e in [*others, *seen] if e.normalized_name == normalised), None)
            if same is not None:
                form.add_error("name", self._duplicate_message(same))
            elif not form.cleaned_data.get("confirm_distinct"):
                near = near_matches(normalised, [*others, *seen])
                if near:
                    form.add_error("name", self._near_message(near))
                    form.add_error("confirm_distinct", _("Confirm that it is a different item."))
            seen.append(_Named(name, normalised, self.quarter, None))

    def _link(self, entry):
        if entry.pk is None:
            return format_html("“{}” ({})", entry.name, _("in this form"))
        url = reverse(
            "targets:report",
            kwargs={"year": self.plan.year, "code": self.indicator.code, "quarter": entry.quarter},
        )
        return format_html(
            '<a href="{}#entry-{}">“{}” (Q{}, {})</a>',
            url,
            entry.pk,
            entry.name,
            entry.quarter,
            entry.date.isoformat() if entry.date else "",
        )

    def _duplicate_message(self, entry):
        return format_html(
            "{} {}", _("This item is already in the ledger this year:"), self._link(entry)
        )

    def _near_message(self, entries):
        return format_html(
            "{} {}. {}",
            _("A similar item is already in the ledger:"),
            format_html_join(", ", "{}", ((self._link(e),) for e in entries)),
            _("If it is a different item, tick the box below and save again."),
        )

    def edit(self):
        """The valid submission as a `LedgerEdit` (nothing saved yet)."""
        edit = LedgerEdit()
        for form in self.forms:
            instance = form.instance
            if form in self.deleted_forms:
                if instance.pk:
                    edit.removed.append(instance)
                continue
            if not form.has_changed():
                continue
            uploads = form.cleaned_data.get("files") or []
            instance.quarter = quarter_of(instance.date)
            edit.saved.append(SavedEntry(instance, uploads, form.removed_files()))
        return edit


class _Named:
    """An item of this very submission, to compare the next rows with."""

    def __init__(self, name, normalized_name, quarter, date):
        self.pk, self.name, self.normalized_name = None, name, normalized_name
        self.quarter, self.date = quarter, date


EntryFormSet = forms.modelformset_factory(
    LedgerEntry, form=EntryForm, formset=BaseEntryFormSet, extra=EXTRA_ROWS, can_delete=True
)


def entry_formset(data, files, *, indicator, plan, quarter, today, queryset=None):
    """The quarter's entries as a formset (bound to `data`/`files` when given); the
    report sheet gives its own `queryset` of them, evaluated once."""
    kwargs = {"indicator": indicator, "plan": plan, "quarter": quarter, "today": today}
    if queryset is not None:
        kwargs["queryset"] = queryset
    if data is None:
        return EntryFormSet(**kwargs)
    return EntryFormSet(data, files, **kwargs)
