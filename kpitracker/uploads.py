"""One gate for every uploaded file: the size first, then a zip's directory, then a
parser that cannot be made to expand entities or read other files.

Every importer and the ledger's evidence go through here (issue 23), and so should
any upload added later:

1. the size, before a byte is read into memory: each importer says its own limit
   (ReportUploadForm and files.classify, PlanUploadForm, filetypes.check_upload), and
   the body of the whole request is capped before that (BodyLimitMiddleware);
2. `check_zip` for a zip-based format (XLSX, DOCX, OFD): the central directory alone
   (what `zipfile` reads when it opens an archive) says how many parts there are and
   how large each is unpacked, so a zip bomb is refused before any part is inflated.
   A part can never inflate beyond the size its directory entry declares (zipfile
   stops there and the CRC check then fails), so the declared sizes bound memory;
3. `reading` around the parser: every way a damaged or hostile file makes a parser
   fail (a file cut short, a corrupted deflate stream, a wrong CRC, XML that is not
   well-formed, a DTD with entities) becomes `Refused` with a message in words.

XML: openpyxl parses with defusedxml when it is installed (requirements.txt), which
refuses any entity declaration (billion laughs) and external entity; with lxml it
parses with `resolve_entities=False`. Our own XML scans use `iterparse` below.
"""

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse  # noqa: F401 (the one XML parser for our scans)
from django.utils.translation import gettext as _

try:  # openpyxl parses with lxml when it is installed
    from lxml.etree import LxmlError
except ImportError:  # pragma: no cover - lxml comes with python-docx
    LxmlError = ParseError

# What a damaged or hostile file makes zipfile, zlib or an XML parser raise. A parser
# reading such a file may also stumble on what it did not expect (a missing part, a
# wrong type), hence KeyError, ValueError, TypeError, IndexError and AttributeError.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    struct.error,
    ParseError,
    LxmlError,
    DefusedXmlException,
    NotImplementedError,  # a compression method zipfile does not know
    RuntimeError,  # an encrypted part
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
)


class Refused(Exception):
    """The file is refused; the message says why, in the user's language."""


@dataclass(frozen=True)
class ZipLimits:
    """What a zip of one kind may hold, from its directory alone."""

    unpacked: int  # bytes, all parts together
    parts: int
    ratio: int  # unpacked / compressed, per part
    ratio_from: int = 1024 * 1024  # smaller parts are not judged by their ratio


def megabytes(size):
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def check_zip(source, limits, *, damaged):
    """The open `zipfile.ZipFile` of `source` (bytes or a file), once its directory
    shows nothing over `limits`; Refused with `damaged` (the kind's own words for a
    file that is not what it claims) when there is no readable directory."""
    try:
        archive = zipfile.ZipFile(source if hasattr(source, "read") else BytesIO(source))
        members = archive.infolist()
    except DAMAGED:
        raise Refused(damaged) from None
    if len(members) > limits.parts:
        raise Refused(
            _("The file has %(count)s parts inside; a genuine one has far fewer.")
            % {"count": len(members)}
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > limits.unpacked or (
            member.file_size > limits.ratio_from and ratio > limits.ratio
        ):
            raise Refused(
                _(
                    "The file would unpack to far more than its size (%(mb)s MB or more): "
                    "it looks like a “zip bomb” and was not opened."
                )
                % {"mb": megabytes(max(total, member.file_size))}
            )
        if member.flag_bits & 0x1:
            raise Refused(damaged)  # an encrypted part: nothing a person saved from Office
    return archive


def count_elements(archive, name, tag, limit, *, damaged):
    """Refused when part `name` of `archive` holds more than `limit` elements `tag`
    (with any namespace prefix). For a parser whose cost is per element rather than
    per byte: openpyxl builds an object per shared string (about 0.1 ms each), so
    a few megabytes of tiny strings cost a minute. The part is inflated in chunks
    and never kept; its size is bounded by the directory check already."""
    if name not in archive.namelist():
        return
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?" + re.escape(tag) + rb"[\s>/]")
    count, tail = 0, b""
    with reading(damaged), archive.open(name) as part:
        while chunk := part.read(1024 * 1024):
            data = tail + chunk
            cut = max(data.rfind(b"<"), len(data) - 64, 0)  # an element may span chunks
            count += len(pattern.findall(data, 0, cut))
            tail = data[cut:]
            if count > limit:
                break
        count += len(pattern.findall(tail))
    if count > limit:
        raise Refused(
            _("The workbook holds more than %(limit)s texts; a genuine one holds far fewer.")
            % {"limit": f"{limit:,}"}
        )


class reading:
    """`with reading(message):` around a parser: a damaged or hostile file becomes
    `Refused(message)` instead of the parser's own exception (and never a 500)."""

    def __init__(self, message):
        self.message = message

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is not None and isinstance(error, DAMAGED) and not isinstance(error, Refused):
            raise Refused(self.message) from error
        return False


def damaged_workbook():
    """The words for an XLSX that cannot be read (issue 23's wording)."""
    return _(
        "The file is damaged or is not a valid Excel file: save it as .xlsx with "
        "Excel or WPS, then upload it again."
    )
