"""The ledger sheet's rows of one indicator as a post of the report form's ledger rows.

The report page edits a quarter's ledger items (台账) through `EntryFormSet`
(ledger/forms.py, asked through targets/ledgers.py): one form per stored item, blank
ones for new items, a tick to remove one. The sheet's rows become exactly that post:
every stored item of the quarter is a form (with the sheet's values where the sheet
names it by its entry number, else as stored), every row without a number a new
form. So the formset's checks apply — a name twice in the year refused, a near match
to confirm, the date inside the quarter, a known county — and its `edit()` is what
`record_entry` applies with the report, in its transaction. Evidence files are not
in a sheet: they are added on the report's page.
"""

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..ledgers import ledger_app
from .columns import LEDGER_FIELDS, YES

PREFIX = "entries"


def _division_words(divisions):
    words = {}
    for division in divisions:
        for word in (division.name_zh, division.name_en, division.code):
            if word:
                words[word.strip().lower()] = str(division.pk)
    return words


class LedgerBinding:
    def __init__(self, indicator, plan, quarter, today, lines, divisions):
        self.indicator, self.lines = indicator, lines
        # The formset's own queryset, evaluated here once (the entries and their files).
        stored = ledger_app().entries_of(indicator, quarter).order_by("date", "pk")
        self.stored = list(stored)
        self.sheet_problems = []  # (row number, column key, message) found binding
        data, self.numbers = self._data(lines, divisions)
        self.formset = ledger_app().formset(
            data,
            {},
            queryset=stored,
            indicator=indicator,
            plan=plan,
            quarter=quarter,
            today=today,
        )

    def _data(self, lines, divisions):
        words = _division_words(divisions)
        by_pk, new, known = {}, [], {entry.pk for entry in self.stored}
        for number, texts in lines:
            text = texts.get("entry", "").strip()
            if not text:
                new.append((number, texts))
                continue
            pk = int(text) if text.isdigit() else None
            if pk not in known:
                self.sheet_problems.append(
                    (
                        number,
                        "entry",
                        _("No item %(entry)s in this quarter's ledger of %(code)s.")
                        % {"entry": text, "code": self.indicator.code},
                    )
                )
            elif pk in by_pk:
                self.sheet_problems.append(
                    (
                        number,
                        "entry",
                        _("Item %(entry)s is here twice (row %(row)s too).")
                        % {"entry": text, "row": by_pk[pk][0]},
                    )
                )
            else:
                by_pk[pk] = (number, texts)
        data = {
            f"{PREFIX}-TOTAL_FORMS": str(len(self.stored) + len(new)),
            f"{PREFIX}-INITIAL_FORMS": str(len(self.stored)),
            f"{PREFIX}-MIN_NUM_FORMS": "0",
            f"{PREFIX}-MAX_NUM_FORMS": "1000",
        }
        numbers = []
        for index, entry in enumerate(self.stored):
            prefix = f"{PREFIX}-{index}-"
            data[prefix + "id"] = str(entry.pk)
            number, texts = by_pk.get(entry.pk, (None, None))
            numbers.append(number)
            if texts is None:  # not in the sheet: as stored
                data.update(
                    {
                        prefix + "name": entry.name,
                        prefix + "date": entry.date.isoformat(),
                        prefix + "division": str(entry.division_id),
                        prefix + "document_number": entry.document_number,
                        prefix + "note": entry.note,
                    }
                )
                continue
            self._fields(data, prefix, texts, words)
            if texts.get("remove", "").strip().lower() in YES:
                data[prefix + "DELETE"] = "on"
        for index, (number, texts) in enumerate(new, start=len(self.stored)):
            numbers.append(number)
            self._fields(data, f"{PREFIX}-{index}-", texts, words)
        return data, numbers

    @staticmethod
    def _fields(data, prefix, texts, words):
        for name in LEDGER_FIELDS:
            data[prefix + name] = texts.get(name, "")
        division = texts.get("division", "").strip()
        data[prefix + "division"] = words.get(division.lower(), division)
        if texts.get("confirm_distinct", "").strip().lower() in YES:
            data[prefix + "confirm_distinct"] = "on"

    @property
    def changed(self):
        return bool(self.sheet_problems) or self.formset.has_changed()

    def problems(self):
        """(row number or None, column key, message) of every problem of these rows."""
        found = list(self.sheet_problems)
        if self.formset.is_valid():
            return found
        for form, number in zip(self.formset.forms, self.numbers, strict=True):
            for name, errors in form.errors.items():
                key = name if name in (*LEDGER_FIELDS, "confirm_distinct") else ""
                found.extend((number, key, _plain(error)) for error in errors)
        found.extend((None, "", _plain(error)) for error in self.formset.non_form_errors())
        return found

    def edit(self):
        return self.formset.edit()

    @property
    def before(self):
        return _("%(count)s items") % {"count": len(self.stored)}

    @property
    def after(self):
        edit = self.formset.edit()
        added = sum(1 for item in edit.saved if item.entry.pk is None)
        corrected = len(edit.saved) - added
        removed = len(edit.removed)
        return _(
            "%(count)s items: %(added)s added, %(corrected)s corrected, %(removed)s removed"
        ) % {
            "count": len(self.stored) + added - removed,
            "added": added,
            "corrected": corrected,
            "removed": removed,
        }


def _plain(message):
    """A formset message without its HTML link (the preview shows plain text)."""
    return strip_tags(str(message))
