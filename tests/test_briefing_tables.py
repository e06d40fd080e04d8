"""The briefing's tables as printed: no word of a page lies over another.

The English headers ("Indicators", "Completion", "Expected") are words that cannot
wrap; in columns sized for two Chinese characters they ran into their neighbours
("IndicatMet"). Both files are read back as a reader gets them: the PDF as WeasyPrint
lays it out, the Word document as LibreOffice lays it out (converted to PDF headless),
each page's words with their boxes from poppler's `pdftotext -bbox`.
"""

import re
import shutil
import subprocess
from html import unescape

import pytest

from targets.briefing.content import Table

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
SLACK = 0.5  # points: glyph boxes of neighbours in a line may touch
# Lines set closer than their font's box overlap a little: words are on one line (and
# may not meet) when their boxes share more than half the smaller one's height.
SAME_LINE = 0.5


def pages_of_words(pdf_path):
    """[[(x0, y0, x1, y1, word)]] per page."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [(*map(float, m.groups()[:4]), unescape(m.group(5))) for m in WORD.finditer(page)]
        for page in PAGE.findall(out)
    ]


def overlaps(pages):
    """Pairs of words drawn over each other, with their page."""
    found = []
    for number, words in enumerate(pages, start=1):
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if min(a[2], b[2]) - max(a[0], b[0]) > SLACK and min(a[3], b[3]) - max(
                    a[1], b[1]
                ) > SAME_LINE * min(a[3] - a[1], b[3] - b[1]):
                    found.append(f"page {number}: {a[4]!r} over {b[4]!r}")
    return found


def test_overlaps_finds_words_over_each_other():
    pages = [
        [
            (10, 10, 60, 20, "Indicators"),
            (50, 10, 70, 20, "Met"),
            (80, 10, 90, 20, "On"),
            (80, 17, 90, 27, "track"),  # the next line, set close
        ]
    ]
    assert overlaps(pages) == ["page 1: 'Indicators' over 'Met'"]


@pytest.fixture
def files(q3_briefings):
    """The demo's Q3 briefing in each language: (briefing, PDF bytes, DOCX bytes), made
    once per session (tests/conftest.py)."""
    return q3_briefings


def _headers(briefing):
    return [h for block in briefing.blocks if isinstance(block, Table) for h in block.headers]


def _strings(value):
    """Every string in a briefing's block, its rows and cells included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif hasattr(value, "__dataclass_fields__"):
        for field in value.__dataclass_fields__:
            yield from _strings(getattr(value, field))


def broken_words(briefing, pages):
    """Latin words printed that the briefing does not hold: the pieces of a word cut
    inside a narrow column ("reporte" / "d"). Chinese breaks between any two characters;
    a word may break at a hyphen, dash or slash (its pieces are not counted)."""
    written = set()
    for text in _strings([briefing.title, briefing.as_of, briefing.made_on, briefing.scope]):
        written.update(text.split())
        written.update(re.split(r"[\s\-–—/\u2e80-\uffff]+", text))  # pieces broken rightly
    for text in _strings(briefing.blocks):
        written.update(text.split())
        written.update(re.split(r"[\s\-–—/\u2e80-\uffff]+", text))
    latin = re.compile(r"[ -~]*[A-Za-z][ -~]*")
    return sorted(
        {
            w[4]
            for page in pages
            for w in page
            if latin.fullmatch(w[4]) and w[4] not in written and not re.search(r"[-/]", w[4])
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_words_overlap_in_the_pdf(files, language, tmp_path):
    briefing, pdf, _docx = files[language]
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    pages = pages_of_words(path)
    assert not broken_words(briefing, pages)
    assert not overlaps(pages), "\n".join(overlaps(pages))


@pytest.mark.django_db
@pytest.mark.skipif(
    not shutil.which("soffice") and not shutil.which("libreoffice"),
    reason="LibreOffice lays out the Word file; .ci/run installs it (libreoffice-writer-nogui)",
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_words_overlap_in_the_word_document_as_libreoffice_prints_it(files, language, tmp_path):
    briefing, _pdf, docx = files[language]
    source = tmp_path / "briefing.docx"
    source.write_bytes(docx)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    pages = pages_of_words(tmp_path / "briefing.pdf")
    assert not broken_words(briefing, pages)
    assert not overlaps(pages), "\n".join(overlaps(pages))
