"""briefing.docx and briefing.pdf: the meeting briefing (汇报材料, targets/briefing/).

A briefing is an export like the summary: the same scope, filters and quarter,
the same overview as the meeting workbook. It is written as of a quarter that has
ended; a later one is an unknown page, with a message saying why.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from .. import clock
from ..briefing.content import build_briefing
from ..briefing.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from ..briefing.docx import docx_bytes
from ..briefing.pdf import pdf_bytes
from .base import register
from .summary import Filtered


class Briefing(Filtered):
    def __init__(self, scope):
        super().__init__(scope)
        if not self.plan.has_ended(self.quarter, clock.today()):
            raise Http404(
                _(
                    "Q%(quarter)s %(year)s has not ended yet: a briefing is written as of "
                    "an ended quarter."
                )
                % {"quarter": self.quarter, "year": self.plan.year}
            )

    def what(self):
        return f"{super().what()}-briefing"

    def briefing(self):
        """The briefing in the request's language."""
        return build_briefing(
            self.plan, self.overview(), today=clock.today(), filters=self.filterset.applied()
        )


@register
class BriefingDocx(Briefing):
    name = "briefing.docx"
    content_type = DOCX_CONTENT_TYPE

    def content(self):
        return docx_bytes(self.briefing())


@register
class BriefingPdf(Briefing):
    name = "briefing.pdf"
    content_type = "application/pdf"

    def content(self):
        return pdf_bytes(self.briefing())
