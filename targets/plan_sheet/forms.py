"""The form of a plan sheet's upload (as report_sheet/forms.py is the report sheet's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .reader import MAX_BYTES


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (XLSX)"),
        help_text=_("The template, filled in. At most 2 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB: a plan fits in far less."),
                params={"mb": MAX_BYTES // (1024 * 1024)},
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an XLSX workbook (.xlsx), such as the template."))
        return upload
