"""The forms of an import: the upload, and the confirmation of a clean preview."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ENCODING_CHOICES = [
    ("auto", _("Detect (UTF-8, UTF-8 with BOM, else GB18030/GBK)")),
    ("utf-8", _("UTF-8")),
    ("gb18030", _("GB18030 (GBK)")),
]
QUARTER_CHOICES = [(q, f"Q{q}") for q in (1, 2, 3, 4)]  # as every page writes a quarter


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled template (XLSX or CSV)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int)
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=ENCODING_CHOICES,
        initial="auto",
        required=False,  # detected when not chosen
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "The template downloaded above, filled in. At most %(mb)s MB."
        ) % {"mb": settings.KPI_REPORT_IMPORT_MAX_MB}


class ReportConfirmForm(forms.Form):
    ACTIONS = [("draft", _("Save as drafts")), ("submit", _("Submit for review"))]

    token = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=ACTIONS, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
