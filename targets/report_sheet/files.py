"""What an upload is, decided from its bytes before any parser opens it.

An XLSX is a zip: its directory lists each member's uncompressed size, so a zip
bomb (a few kilobytes that inflate to gigabytes) is refused from the directory
alone, before openpyxl inflates anything. A workbook with macros (.xlsm: a
`vbaProject.bin`, or the macro-enabled content type) is refused, as is a
password-protected one (Office encrypts an XLSX into an OLE compound file holding
an `EncryptionInfo` stream) and an old .xls (an OLE file without it). Anything else
that is not a zip is read as CSV text when its name says .csv (or .txt) and it holds
no NUL byte, or starts with a UTF-16 byte order mark (Excel's "Unicode text", whose
every other byte is NUL); anything else is not a spreadsheet.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from kpitracker import uploads

from ..plan_sheet.reader import UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# Inflated, a workbook of a few thousand rows is a few megabytes; this is ample. A
# member inflating more than MAX_RATIO times its compressed size is a bomb (text XML
# compresses about 10–20 times; repeated runs of the same cell up to ~100).
MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_MEMBERS = 500
MAX_RATIO = 200
# openpyxl spends about 0.1 ms on each shared string when it opens a workbook: a few
# megabytes of tiny strings would cost a minute. A full template (MAX_ROWS rows, a few
# distinct texts each) holds far fewer than this.
SHARED_STRINGS = "xl/sharedStrings.xml"
MAX_SHARED_STRINGS = 30_000
LIMITS = uploads.ZipLimits(unpacked=MAX_UNCOMPRESSED, parts=MAX_MEMBERS, ratio=MAX_RATIO)
MACRO_TYPE = b"macroEnabled"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


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
    text = name.lower().endswith((".csv", ".txt"))
    if text and data.startswith(UTF16_BOMS):
        return Upload("csv", data)  # Excel's "Unicode text": UTF-16 (reader.decode)
    if not text or b"\x00" in data[:4096]:
        raise UnreadableFile(
            _("This is not a spreadsheet we can read: upload the template as .xlsx or .csv.")
        )
    return Upload("csv", data)


def _check_zip(data):
    """The zip directory through the one gate (kpitracker.uploads), then what makes it a
    workbook we accept. [Content_Types].xml is read only after the gate, and at most
    its first 64 KB."""
    archive = uploads.check_zip(data, LIMITS, damaged=uploads.damaged_workbook())
    uploads.count_elements(
        archive, SHARED_STRINGS, b"si", MAX_SHARED_STRINGS, damaged=uploads.damaged_workbook()
    )
    names = {member.filename for member in archive.infolist()}
    if "xl/workbook.xml" not in names:
        raise UnreadableFile(_("This zip file is not an XLSX workbook."))
    types = b""
    if "[Content_Types].xml" in names:
        with (
            uploads.reading(uploads.damaged_workbook()),
            archive.open("[Content_Types].xml") as part,
        ):
            types = part.read(64 * 1024)
    if any(n.lower().endswith("vbaproject.bin") for n in names) or MACRO_TYPE in types:
        raise UnreadableFile(
            _(
                "The workbook contains macros (.xlsm): macros are never run or stored here. "
                "Save it as an ordinary .xlsx workbook and upload it again."
            )
        )
