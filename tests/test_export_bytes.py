"""Nothing a user sees changes: every export of the demo data, in both languages, is
byte for byte the file recorded in tests/export_digests.json.

Each file is requested as a user would (the export URLs of targets/urls.py and
ledger/urls.py, as the admin and as a staff member whose scope is narrower), and
its SHA-256 compared with the recorded one, together with its Content-Type and
Content-Disposition (the file name). The demo's times are pinned first (a report's
created/changed time, each history row's time as its key's second after a fixed
start), since the demo is built at the time the suite starts, and so is the clock
(the report template says when it was made).

CSV: the SHA-256 of the bytes. XLSX and DOCX are zip files whose entries carry the
time they were written, and whose docProps/core.xml carries the time the workbook
was made: the digest is over the unzipped parts, in name order (name, then bytes),
with core.xml's dcterms:created/modified values blanked. Nothing else is left out.

`KPI_RECORD_EXPORT_DIGESTS=1 pytest tests/test_export_bytes.py -n 0` writes the file
anew (only when a change of an export is meant; say so in the commit).
"""

import datetime
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from ledger.models import LedgerEntry
from targets.models import QuarterlyReport

DIGESTS = Path(__file__).with_name("export_digests.json")

# (persona, path under /plans/, query). Not here: the briefing's PDF (WeasyPrint
# writes its own times into it; tests/test_briefing.py reads it back).
EXPORTS = [
    ("admin", "2024/export/summary.csv", "?quarter=3"),
    ("admin", "2024/export/summary.csv", "?quarter=2&pillar=P3"),
    ("admin", "2024/export/summary.csv", "?quarter=3&status=at_risk&items=1"),
    ("admin", "2024/export/summary.xlsx", "?quarter=3"),
    ("admin", "2024/export/summary.xlsx", "?quarter=3&items=1"),
    ("admin", "2024/export/summary.xlsx", "?quarter=1&lead_section=demo-industry"),
    ("admin", "2024/export/reports.csv", ""),
    ("staff", "2024/export/reports.csv", ""),
    ("admin", "2024/export/history.csv", ""),
    ("staff", "2024/export/history.csv", ""),
    ("admin", "2024/export/ledger.csv", ""),
    ("admin", "2024/export/ledger.csv", "?pillar=P3"),
    ("staff", "2024/export/ledger.csv", "?indicator=P3-04"),
    ("admin", "2024/export/ledger.xlsx", ""),
    ("admin", "2024/export/ledger.xlsx", "?indicator=P3-04"),
    ("admin", "2024/export/briefing.docx", "?quarter=3"),
    ("admin", "2024/reports/template.csv", "?quarter=3"),
    ("admin", "2024/reports/template.xlsx", "?quarter=3"),
    ("staff", "2024/reports/template.xlsx", "?quarter=4"),
    ("admin", "import/template.xlsx", ""),
    ("admin", "import/template.xlsx", "?from=2024"),
]
LANGUAGES = ("zh-hans", "en")
START = datetime.datetime(2024, 1, 2, 8, 0, tzinfo=datetime.UTC)


def _pin_times():
    """The demo's times, the same on every run and database (rolled back with the test)."""
    QuarterlyReport.objects.update(created_at=START, updated_at=START)
    for model in (QuarterlyReport, LedgerEntry):
        history = model.history.model
        for pk in history.objects.values_list("pk", flat=True):
            when = START + datetime.timedelta(seconds=pk)
            history.objects.filter(pk=pk).update(history_date=when)


CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def digest(content):
    """SHA-256 of a CSV's bytes, or of a zip file's parts (see the module's docstring)."""
    if not content.startswith(b"PK"):
        return hashlib.sha256(content).hexdigest()
    sha = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(archive.namelist()):
            data = archive.read(name)
            if name == "docProps/core.xml":
                data = CORE_TIMES.sub(rb"\1\3", data)
            sha.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return sha.hexdigest()


def _all_files(personas):
    _pin_times()
    files = {}
    for language in LANGUAGES:
        for persona, path, query in EXPORTS:
            url = f"/plans/{path}{query}"
            response = personas[persona].get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            files[f"{language} {persona} {url}"] = {
                "sha256": digest(content),
                "type": response["Content-Type"],
                "disposition": response["Content-Disposition"],
                # a zip's size follows how its changing times compress: CSV only
                "bytes": None if content.startswith(b"PK") else len(content),
            }
    return files


def test_every_export_is_the_recorded_file(personas, monkeypatch):
    # The report template says when it was made, to the minute: the same minute always.
    monkeypatch.setattr(timezone, "now", lambda: START + datetime.timedelta(days=280))
    files = _all_files(personas)
    if os.environ.get("KPI_RECORD_EXPORT_DIGESTS") == "1":
        DIGESTS.write_text(json.dumps(files, indent=1, ensure_ascii=False) + "\n")
        pytest.skip("digests recorded, nothing compared")  # only when asked to record
    recorded = json.loads(DIGESTS.read_text())
    assert files.keys() == recorded.keys()
    changed = {
        name: {
            key: (value, recorded[name][key])
            for key, value in seen.items()
            if value != recorded[name][key]
        }
        for name, seen in files.items()
        if seen != recorded[name]
    }
    assert not changed, "\n".join(f"{name}: {diff}" for name, diff in changed.items())


def test_a_changed_byte_changes_the_digest():
    """The comparison can fail: one byte of a part, or a part's name, changes it."""

    def workbook(text):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/sheet.xml", text)
            archive.writestr(
                "docProps/core.xml",
                b"<dcterms:created x='1'>2024-01-01</dcterms:created>",
            )
        return buffer.getvalue()

    assert digest(workbook(b"a")) == digest(workbook(b"a"))
    assert digest(workbook(b"a")) != digest(workbook(b"b"))
    assert digest(b"\xef\xbb\xbfa\r\n") != digest(b"\xef\xbb\xbfb\r\n")
