"""What a reader sees holds no template source and no `None`, on every page.

Every page of the URL table (tests/test_url_matrix.py) that a persona may read, and
every pillar's page, is rendered for every signed-in persona in both languages. The
text a reader sees (the text content, outside scripts, styles and attributes) must not
hold template source (a `{# … #}` comment over several lines is printed as text: Django's
`{# #}` is one line only) nor the word `None` (a missing value printed as Python's).
"""

import re
from html.parser import HTMLParser

import pytest

from targets.models import PlanElement

from .test_url_matrix import PERSONAS, PROJECT, _oversight, _path

SOURCE = ("{#", "#}", "{%", "%}", "{{", "}}")
NONE = re.compile(r"\bNone\b")
LANGUAGES = ("zh-hans", "en")
SIGNED_IN = PERSONAS[1:]
INDICATORS = ("P4-01", "P5-02", "P5-05", "P3-06")
HIDDEN = {"script", "style", "template", "title"}


class _Text(HTMLParser):
    """The text content of a page, as lines, outside scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.lines = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.lines.append(" ".join(data.split()))


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.lines


def faults(html):
    """Lines of visible text with template source or `None` in them."""
    return [
        line for line in visible_text(html) if NONE.search(line) or any(s in line for s in SOURCE)
    ]


def test_the_reader_sees_no_comment_source():
    """The check itself: a multi-line `{# #}` comment's text is found, and an attribute
    or a script holding braces is not a fault."""
    page = (
        "<html><head><script>var a = {{}};</script></head><body>"
        '<div data-x="{{ None }}">{# The body of the plan page,\n kept … #}</div>'
        "<h1>Plan</h1></body></html>"
    )
    assert faults(page) == ["{# The body of the plan page, kept … #}"]
    assert faults("<p>Nonetheless 3 家</p><p title='None'>—</p>") == []
    assert faults("<td>None</td>") == ["None"]


def _html_pages():
    """(path, personas allowed a 200) of every GET row that answers a page."""
    for row in PROJECT.values():
        allowed = [p for p, status in zip(PERSONAS, row.get, strict=True) if status == 200]
        if allowed and "/export/" not in row.path and not row.path.endswith((".xlsx", ".csv")):
            yield row, [p for p in allowed if p != "anonymous"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_template_source_or_none_on_any_page(personas, language):
    oversight = _oversight()  # a follow-up with a file, for the follow-up pages
    pages = [(_path(row, oversight), who) for row, who in _html_pages()]
    pages += [("/", SIGNED_IN)]  # the first screen, through its redirect
    pages += [
        (f"/plans/2024/pillars/{p.code}/", SIGNED_IN)
        for p in PlanElement.objects.filter(plan__year=2024, level=PlanElement.Level.PILLAR)
    ]
    pages += [("/plans/2024/?quarter=1", SIGNED_IN), ("/plans/2025/", ("admin",))]
    # A milestone, a level and indicators not reported in Q3, beside the table's P6-04.
    pages += [(f"/plans/2024/indicators/{code}/", SIGNED_IN) for code in INDICATORS]
    seen, wrong = 0, []
    for path, who in pages:
        for persona in who:
            response = personas[persona].get(path, HTTP_ACCEPT_LANGUAGE=language, follow=True)
            assert response.status_code == 200, (path, persona, response.status_code)
            if not response["Content-Type"].startswith("text/html"):
                continue
            seen += 1
            wrong += [
                f"{path} as {persona}: {line[:120]}" for line in faults(response.content.decode())
            ]
    assert seen > 100
    assert not wrong, "\n".join(wrong)
