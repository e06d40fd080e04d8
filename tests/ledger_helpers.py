"""Helpers of the ledger tests: files of every kind, made here, and report form posts
with ledger rows."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from ledger.demo import example_pdf
from ledger.models import Division, LedgerEntry

MARKER = b"kpitracker-secret-evidence-bytes"


def pdf(name="证明材料.pdf", extra=b""):
    import datetime

    return SimpleUploadedFile(name, example_pdf(datetime.date(2024, 8, 1)) + MARKER + extra)


def png(name="现场照片.png"):
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
    return SimpleUploadedFile(name, data + chunk(b"IEND", b""))


def jpeg(name="照片.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + b"\x00" * 64)


def zipped(name, parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
    return SimpleUploadedFile(name, buffer.getvalue())


def ooxml(name, kind):
    """A minimal DOCX ("document"), XLSX ("sheet") or macro-enabled DOCM ("macro")."""
    main = {
        "document": ("wordprocessingml.document.main+xml", "word/document.xml"),
        "sheet": ("spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
        "macro": ("ms-word.document.macroEnabled.main+xml", "word/document.xml"),
    }[kind]
    types = (
        '<?xml version="1.0"?><Types><Override PartName="/' + main[1] + '" '
        'ContentType="application/vnd.openxmlformats-officedocument.' + main[0] + '"/></Types>'
    )
    return zipped(name, {"[Content_Types].xml": types, main[1]: "<x/>"})


def ofd(name="电子公文.ofd"):
    xml = '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'
    return zipped(name, {"OFD.xml": xml, "Doc_0/Document.xml": "<x/>"})


def exe(name="通知.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 200)


def division(name="昌邑区"):
    return Division.objects.get(name_zh=name)


def ledger_form(report, *, new=(), changes=None, remove=(), action="submit", reason=""):
    """A complete report form post for `report` (a saved QuarterlyReport of an indicator
    with a ledger): its stored entries as rows (with `changes` {entry pk: {field: value}}
    and the pks in `remove` ticked), then the `new` rows ({field: value} dicts, `files`
    a list of uploads)."""
    existing = list(
        LedgerEntry.objects.filter(indicator=report.indicator, quarter=report.quarter).order_by(
            "date", "pk"
        )
    )
    data = {
        "progress": report.progress,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "version": str(report.version),
        "action": action,
        "entries-TOTAL_FORMS": str(len(existing) + len(new)),
        "entries-INITIAL_FORMS": str(len(existing)),
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    if reason:
        data["reason"] = reason
    for index, entry in enumerate(existing):
        row = {
            "id": str(entry.pk),
            "name": entry.name,
            "date": entry.date.isoformat(),
            "division": str(entry.division_id),
            "document_number": entry.document_number,
            "note": entry.note,
            **(changes or {}).get(entry.pk, {}),
        }
        if entry.pk in remove:
            row["DELETE"] = "on"
        data.update({f"entries-{index}-{key}": value for key, value in row.items()})
    for offset, row in enumerate(new):
        index = len(existing) + offset
        row = {"division": str(division().pk), "document_number": "", "note": "", **row}
        data.update({f"entries-{index}-{key}": value for key, value in row.items()})
    return data
