"""briefing.docx and briefing.pdf: the meeting briefing (汇报材料, targets/briefing/).

A briefing is an export like the summary: the same scope, filters and quarter,
the same overview as the meeting workbook. It is written as of a quarter that has
ended; a later one is an unknown page, with a message saying why.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from .. import clock
from .base import register
from .summary import Filtered

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def drawing():
    """The briefing's content and its Word and PDF writers, and with them python-docx,
    matplotlib and WeasyPrint.

    Lazy on purpose (one of the three, scripts/import_graph.py): every process loads
    the exporters (targets' ready()), but only a process that makes a briefing needs
    that stack (some 55 MB more resident and seconds to import, measured after
    django.setup()): a web worker loads it with its first briefing (kpitracker/wsgi.py
    says why not at start), db_worker and manage.py never.
    """
    from ..briefing import content, docx, pdf

    return content, docx, pdf


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
        content, _docx, _pdf = drawing()
        return content.build_briefing(
            self.plan, self.overview(), today=clock.today(), filters=self.filterset.applied()
        )


@register
class BriefingDocx(Briefing):
    name = "briefing.docx"
    content_type = DOCX_CONTENT_TYPE

    def content(self):
        return drawing()[1].docx_bytes(self.briefing())


@register
class BriefingPdf(Briefing):
    name = "briefing.pdf"
    content_type = "application/pdf"

    def content(self):
        return drawing()[2].pdf_bytes(self.briefing())
