"""Evidence files are recognised from their content, never from their name.

The first bytes say what a file is (filetype, pure Python): a PDF, a JPEG, a PNG, or
a ZIP container. OFD, DOCX and XLSX are all ZIP containers, so for those the inside
is read (only the list of parts and one small part, never the whole archive), after
the upload gate (kpitracker.uploads) has checked the zip's directory: a part that
would inflate far beyond its size (a "zip bomb") is refused before anything is read.

- OFD (GB/T 33190): an `OFD.xml` at the root, in the OFD namespace;
- DOCX: `[Content_Types].xml` declaring a Word document (not a macro-enabled .docm)
  and its `word/document.xml`;
- XLSX: `[Content_Types].xml` declaring an Excel workbook (not a macro-enabled .xlsm)
  and its `xl/workbook.xml`.

`check_upload` then refuses, each with a message naming the file: a name with a
folder or drive in it, an empty file, a file over `KPI_EVIDENCE_MAX_MB`, a type not
in `KPI_EVIDENCE_TYPES` (an .exe renamed .pdf is "a Windows program"), and a name
whose extension says another type than the content.
"""

import hashlib
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpitracker import uploads

HEAD_BYTES = 8192  # what filetype reads
MAX_NAME_LENGTH = 150
_PART_LIMIT = 64 * 1024  # bytes read of one part inside a container
# What an OFD, DOCX or XLSX may hold, from its zip directory alone (kpitracker.uploads):
# pictures are stored compressed already (ratio near 1), text XML compresses 10-20
# times; a part inflating more than 200 times, or all of them to more than 256 MB, is
# a zip bomb that would fill a reviewer's memory when Word or WPS opens it (issue 23).
ZIP_LIMITS = uploads.ZipLimits(unpacked=256 * 1024 * 1024, parts=5000, ratio=200)


@dataclass(frozen=True)
class EvidenceType:
    key: str
    label: str  # what people call it
    extensions: tuple  # the first is the one a stored file gets
    mime: str
    inline: bool  # opened in the browser (PDF, images) rather than downloaded


TYPES = {
    t.key: t
    for t in (
        EvidenceType("pdf", "PDF", ("pdf",), "application/pdf", True),
        EvidenceType("ofd", "OFD", ("ofd",), "application/ofd", False),
        EvidenceType("jpeg", "JPEG", ("jpg", "jpeg", "jpe"), "image/jpeg", True),
        EvidenceType("png", "PNG", ("png",), "image/png", True),
        EvidenceType(
            "docx",
            "Word (DOCX)",
            ("docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            False,
        ),
        EvidenceType(
            "xlsx",
            "Excel (XLSX)",
            ("xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            False,
        ),
    )
}

# What a refused file is, in words, by filetype's name for it.
OTHER_KINDS = {
    "exe": gettext_lazy("a Windows program (EXE)"),
    "elf": gettext_lazy("a Linux program (ELF)"),
    "doc": gettext_lazy("an old Word document (DOC)"),
    "xls": gettext_lazy("an old Excel workbook (XLS)"),
    "gif": gettext_lazy("a GIF image"),
    "rar": gettext_lazy("a RAR archive"),
    "7z": gettext_lazy("a 7-Zip archive"),
    "zip": gettext_lazy("a ZIP archive"),
}
_ZIP_KINDS = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "jar"}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: what it is, its name, size and SHA-256."""

    upload: object
    name: str
    type: EvidenceType
    size: int
    sha256: str


def accepted_types():
    return [TYPES[key] for key in settings.KPI_EVIDENCE_TYPES]


def max_bytes():
    return settings.KPI_EVIDENCE_MAX_MB * 1024 * 1024


def accepted_text():
    """ "PDF, OFD, JPEG, PNG, Word (DOCX), Excel (XLSX), at most 20 MB each" """
    return _("%(types)s, at most %(mb)s MB each") % {
        "types": ", ".join(t.label for t in accepted_types()),
        "mb": settings.KPI_EVIDENCE_MAX_MB,
    }


def accept_attribute():
    """The `accept` attribute of the file input: the extensions (a hint; the server decides)."""
    return ",".join(f".{ext}" for t in accepted_types() for ext in t.extensions)


def check_name(name):
    """Refuse a name that is no plain file name: a folder, a drive, control characters."""
    if not name or not name.strip():
        raise ValidationError(_("The file has no name."), code="name")
    parts = ("/" in name, "\\" in name, ":" in name, name.strip() in {".", ".."})
    if any(parts) or name.startswith(".."):
        raise ValidationError(
            _(
                "“%(name)s” is not a plain file name: it contains a folder or drive. "
                "Upload the file under its own name."
            )
            % {"name": name},
            code="path",
        )
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise ValidationError(
            _("The name of “%(name)s” contains control characters.") % {"name": name.strip()},
            code="name",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("The file name is too long (at most %(limit)s characters).")
            % {"limit": MAX_NAME_LENGTH},
            code="name",
        )


def recognise(upload):
    """(EvidenceType or None, what it is in words) from the content of `upload`."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    name = kind.extension if kind else ""
    if name == "pdf":
        return TYPES["pdf"], "PDF"
    if name == "jpg":
        return TYPES["jpeg"], "JPEG"
    if name == "png":
        return TYPES["png"], "PNG"
    if name in _ZIP_KINDS or head.startswith(b"PK\x03\x04"):
        return _inside_zip(upload)
    if name in OTHER_KINDS:
        return None, str(OTHER_KINDS[name])
    if name:
        return None, name.upper()
    return None, ""


def _inside_zip(upload):
    """The type of a zip container; uploads.Refused when its directory is a bomb."""
    damaged = _("the file is damaged: its parts cannot be read")
    try:
        with uploads.check_zip(upload, ZIP_LIMITS, damaged=damaged) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names and b"ofdspec" in _part(archive, "OFD.xml"):
                return TYPES["ofd"], "OFD"
            if "[Content_Types].xml" in names:
                types = _part(archive, "[Content_Types].xml")
                if b"wordprocessingml.document.main+xml" in types and "word/document.xml" in names:
                    return TYPES["docx"], "DOCX"
                if b"spreadsheetml.sheet.main+xml" in types and "xl/workbook.xml" in names:
                    return TYPES["xlsx"], "XLSX"
                if b"macroEnabled" in types:
                    return None, _("an Office file with macros")
    except uploads.DAMAGED:
        return None, ""
    finally:
        upload.seek(0)
    return None, str(OTHER_KINDS["zip"])


def _part(archive, name):
    with archive.open(name) as part:
        return part.read(_PART_LIMIT)


def check_upload(upload):
    """A `CheckedUpload`, or a ValidationError saying what is wrong with the file."""
    name = upload.name or ""
    check_name(name)
    size = upload.size or 0
    if size == 0:
        raise ValidationError(
            _("“%(name)s” is empty (0 bytes): nothing to keep.") % {"name": name}, code="empty"
        )
    if size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB a file.")
            % {
                "name": name,
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": settings.KPI_EVIDENCE_MAX_MB,
            },
            code="size",
        )
    try:
        found, what = recognise(upload)
    except uploads.Refused as refusal:
        raise ValidationError(
            _("“%(name)s” is refused: %(why)s") % {"name": name, "why": refusal}, code="zip"
        ) from None
    if found is None or found.key not in settings.KPI_EVIDENCE_TYPES:
        content = (
            _("its content is %(what)s") % {"what": what}
            if what
            else _("its content is of no type accepted")
        )
        raise ValidationError(
            _("“%(name)s” is refused: %(content)s. Accepted: %(accepted)s.")
            % {"name": name, "content": content, "accepted": accepted_text()},
            code="type",
        )
    extension = os.path.splitext(name)[1].lstrip(".").lower()
    if not extension:
        raise ValidationError(
            _(
                "“%(name)s” has no extension: it is a %(what)s file, "
                "so name it “%(name)s.%(right)s”."
            )
            % {"name": name, "what": found.label, "right": found.extensions[0]},
            code="extension",
        )
    if extension not in found.extensions:
        raise ValidationError(
            _(
                "“%(name)s” is a %(what)s file, but its name ends in “.%(extension)s”: "
                "rename it to .%(right)s, or upload the file its name promises."
            )
            % {
                "name": name,
                "what": found.label,
                "extension": extension,
                "right": found.extensions[0],
            },
            code="extension",
        )
    return CheckedUpload(upload, name, found, size, _sha256(upload))


def _sha256(upload):
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
