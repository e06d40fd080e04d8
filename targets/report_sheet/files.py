"""What an upload is, decided from its bytes before any parser opens it.

An XLSX is a zip: its directory lists each member's uncompressed size, so a zip
bomb (a few kilobytes that inflate to gigabytes) is refused from the directory
alone, before openpyxl inflates anything. A workbook with macros (.xlsm: a
`vbaProject.bin`, or the macro-enabled content type) is refused, as is a
password-protected one (Office encrypts an XLSX into an OLE compound file holding
an `EncryptionInfo` stream) and an old .xls (an OLE file without it). Anything else
that is not a zip is read as CSV text when its name says .csv (or .txt) and it holds
no NUL byte; anything else is not a spreadsheet.
"""

import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _

from ..plan_sheet.reader import UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# Inflated, a workbook of a few thousand rows is a few megabytes; this is ample.
MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_MEMBERS = 500
# A member inflating more than this many times its compressed size is a bomb (text
# XML compresses about 10–20 times; repeated runs of the same cell up to ~100).
MAX_RATIO = 200
MACRO_TYPE = b"macroEnabled"


@dataclass
class Upload:
    kind: str  # "xlsx" or "csv"
    data: bytes


def max_bytes():
    return settings.KPI_REPORT_IMPORT_MAX_MB * 1024 * 1024


def size_message():
    return _("The file is larger than %(mb)s MB, the limit for an import.") % {
        "mb": settings.KPI_REPORT_IMPORT_MAX_MB
    }


def classify(data, name=""):
    """An `Upload`, or UnreadableFile saying why this file is refused."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > max_bytes():
        raise UnreadableFile(size_message())
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_INFO in data:
            raise UnreadableFile(
                _(
                    "The workbook is protected by a password: save it without the "
                    "password (File › Info › Protect Workbook) and upload it again."
                )
            )
        raise UnreadableFile(
            _("This is an old Excel 97–2003 file (.xls): save it as .xlsx and upload it again.")
        )
    if data.startswith(b"PK"):
        _check_zip(data)
        return Upload("xlsx", data)
    if not name.lower().endswith((".csv", ".txt")) or b"\x00" in data[:4096]:
        raise UnreadableFile(
            _("This is not a spreadsheet we can read: upload the template as .xlsx or .csv.")
        )
    return Upload("csv", data)


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableFile(
            _("The file is damaged: it is not a readable XLSX workbook.")
        ) from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(_("The workbook has too many parts to be a report template."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (member.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise UnreadableFile(
                _(
                    "The workbook would inflate to far more than a report template "
                    "(%(mb)s MB or more unpacked): it was not opened."
                )
                % {"mb": max(total, member.file_size) // (1024 * 1024)}
            )
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise UnreadableFile(_("This zip file is not an XLSX workbook."))
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(n.lower().endswith("vbaproject.bin") for n in names) or MACRO_TYPE in types:
        raise UnreadableFile(
            _(
                "The workbook contains macros (.xlsm): macros are never run or stored here. "
                "Save it as an ordinary .xlsx workbook and upload it again."
            )
        )
