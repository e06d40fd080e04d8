"""The briefing as PDF: WeasyPrint lays out a server-side HTML template.

No browser and no office suite on the server: WeasyPrint is a Python library
(with Pango, which Debian's chromium dependencies already bring; on a bare
machine `apt-get install -y libpango-1.0-0 libpangoft2-1.0-0`). It embeds the
subsets of the fonts it uses, paginates A4 with the GB/T 9704 margins and page
numbers (CSS paged media, in the template), repeats table headers on every page
and keeps rows whole. The template gets the same blocks as the Word writer.

Only `data:` URLs are fetched: the charts are inlined, and nothing the bureau
typed can make the server fetch a URL while it renders.
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .. import palette

TEMPLATE = "targets/briefing/briefing.html"


def pdf_bytes(briefing):
    html = render_to_string(
        TEMPLATE,
        {
            "briefing": briefing,
            # Read now, not at import: the palette is the one source of status colours.
            "status_colours": [
                (str(status), colours[0], colours[1])
                for status, colours in palette.STATUS_COLOURS.items()
            ],
        },
    )
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
