"""A corpus of hostile and damaged files, built here from a good file (issue 23): no
binary is committed, and a bomb of gigabytes costs a few megabytes and a second.

The zip bombs are written by hand: deflate output after a full flush depends only on
the data that follows, so one compressed megabyte of whitespace, repeated, is a valid
stream of any length. The directory then declares the real sizes and CRC, as a genuine
bomb does; nothing inflates them here.

Each builder takes the bytes of a genuine XLSX (or builds a DOCX) and returns bytes.
`bench/hostile_uploads.py` times them through each importer.
"""

import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from io import BytesIO

MB = 1024 * 1024
SPACES = b" " * MB


@dataclass
class Part:
    name: str
    deflated: bytes  # raw deflate stream
    crc: int
    size: int  # declared unpacked size


def _deflate(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def part(name, data):
    return Part(name, _deflate(data), zlib.crc32(data), len(data))


@cache
def _whitespace_block():
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(SPACES) + compressor.flush(zlib.Z_FULL_FLUSH)


# The CRC of a gigabyte part costs a couple of seconds to compute; the gate refuses a
# bomb from its declared sizes and never reaches the CRC, so the tests leave it wrong.
# bench/hostile_uploads.py sets it right, as a genuine bomb has it.
TRUE_CRC = False


@cache
def padded(name, head, megabytes, tail):
    """A part `head` + `megabytes` MB of spaces + `tail`, compressed to a few MB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    finish = end.compress(tail) + end.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes if TRUE_CRC else 0):
        crc = zlib.crc32(SPACES, crc)
    crc = zlib.crc32(tail, crc)
    deflated = start + _whitespace_block() * megabytes + finish
    return Part(name, deflated, crc, len(head) + megabytes * MB + len(tail))


def write_zip(parts, *, declared=None):
    """A zip of `parts` (in order); `declared` {name: size} overrides a declared size
    in both headers (a false declared size)."""
    declared = declared or {}
    out, directory = BytesIO(), BytesIO()
    for item in parts:
        name = item.name.encode()
        size = declared.get(item.name, item.size)
        offset = out.tell()
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            8,
            0,
            0,
            item.crc,
            len(item.deflated),
            size,
            len(name),
            0,
        )
        out.write(header + name + item.deflated)
        directory.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                item.crc,
                len(item.deflated),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start, central = out.tell(), directory.getvalue()
    out.write(central)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), start, 0)
    )
    return out.getvalue()


def parts_of(xlsx):
    """The parts of a genuine zip, recompressed (as `Part`s, in order)."""
    with zipfile.ZipFile(BytesIO(xlsx)) as archive:
        return [part(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def replaced(xlsx, name, new):
    return write_zip([new if p.name == name else p for p in parts_of(xlsx)])


def first_sheet(xlsx):
    with zipfile.ZipFile(BytesIO(xlsx)) as archive:
        return next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))


def read_part(xlsx, name):
    with zipfile.ZipFile(BytesIO(xlsx)) as archive:
        return archive.read(name)


# --- the cases ---------------------------------------------------------------------


def styles_bomb(xlsx, megabytes=1536):
    """xl/styles.xml inflating to 1.5 GB (issue 23: 278 s, 6.1 GB, then a 500)."""
    styles = read_part(xlsx, "xl/styles.xml")
    at = _after_root_tag(styles)
    bomb = padded("xl/styles.xml", styles[:at], megabytes, styles[at:])
    return replaced(xlsx, "xl/styles.xml", bomb)


def _after_root_tag(xml):
    """Where the root element's content starts (after its start tag)."""
    at = 0
    while xml.startswith((b"<?", b"<!"), at) or xml[at : at + 1].isspace():
        at = xml.index(b">", at) + 1 if xml[at : at + 1] == b"<" else at + 1
    return xml.index(b">", at) + 1


def whitespace_sheet(xlsx, megabytes=1536):
    """1.5 GB of whitespace inside the first sheet (issue 23: 29 s, 1.9 GB, accepted)."""
    name = first_sheet(xlsx)
    sheet = read_part(xlsx, name)
    head, tail = sheet.split(b"<sheetData>", 1)
    return replaced(xlsx, name, padded(name, head + b"<sheetData>", megabytes, tail))


def cut_short(xlsx):
    """A broken download: the first two thirds of the file."""
    return xlsx[: len(xlsx) * 2 // 3]


def corrupted_deflate(xlsx):
    """One byte of the first sheet's compressed data changed."""
    name = first_sheet(xlsx)
    parts = parts_of(xlsx)
    for item in parts:
        if item.name == name:
            data = bytearray(item.deflated)
            data[len(data) // 2] ^= 0xFF
            item.deflated = bytes(data)
    return write_zip(parts)


def false_size(xlsx):
    """The first sheet's directory entry says 100 bytes; it inflates to more."""
    return write_zip(parts_of(xlsx), declared={first_sheet(xlsx): 100})


LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>"
)
EXTERNAL = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def with_dtd(xlsx, name, dtd, reference):
    """Part `name` with `dtd` after its XML declaration and `reference` (&lol9;) put in
    its first text or element."""
    data = read_part(xlsx, name)
    if data.startswith(b"<?xml"):
        declaration, rest = data.split(b"?>", 1)
        declaration += b"?>"
    else:
        declaration, rest = b"", data
    at = _after_root_tag(rest)
    rest = rest[:at] + reference + rest[at:]
    return replaced(xlsx, name, part(name, declaration + dtd + rest))


SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_shared_strings(xlsx, dtd, reference, *, strings=None):
    """The workbook with a shared strings part (openpyxl writes inline strings, Excel
    writes shared ones) whose one string is `reference`, declared in `dtd` (or the
    `strings` given); openpyxl reads that part when it opens the workbook."""
    strings = [reference] if strings is None else strings
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + dtd
        + f'<sst xmlns="{SST_NS}">'.encode()
        + b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
        + b"</sst>"
    )
    parts = []
    for item in parts_of(xlsx):
        data = read_part(xlsx, item.name)
        if item.name == "[Content_Types].xml":
            override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
            item = part(item.name, data.replace(b"</Types>", override.encode() + b"</Types>"))
        elif item.name == "xl/_rels/workbook.xml.rels":
            rel = f'<Relationship Id="rIdSST" Type="{SST_REL}" Target="sharedStrings.xml"/>'
            item = part(
                item.name, data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            )
        parts.append(item)
    return write_zip([*parts, part("xl/sharedStrings.xml", sst)])


def many_strings(xlsx, count):
    """`count` tiny distinct shared strings: a few hundred kilobytes that openpyxl
    would spend about 0.1 ms each on."""
    return with_shared_strings(xlsx, b"", b"", strings=[b"%08d" % n for n in range(count)])


def laughs(xlsx, name):
    return with_dtd(xlsx, name, LAUGHS, b"&lol9;")


def external(xlsx, name):
    return with_dtd(xlsx, name, EXTERNAL, b"&xxe;")


def docx_bomb(megabytes=2048):
    """A DOCX whose document.xml inflates to 2 GB (issue 23: accepted as evidence)."""
    types = (
        b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        b"</Types>"
    )
    head = b'<?xml version="1.0"?><w:document><w:body>'
    tail = b"</w:body></w:document>"
    return write_zip(
        [
            part("[Content_Types].xml", types),
            padded("word/document.xml", head, megabytes, tail),
        ]
    )


def utf16_text(csv_text):
    """Excel's "Unicode text": UTF-16 with a byte order mark, cells separated by tabs."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(csv_text)))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-16")


def workbook_cases(xlsx):
    """{case: bytes} of every hostile variant of a genuine workbook."""
    sheet = first_sheet(xlsx)
    cases = {
        "styles bomb (1.5 GB)": lambda: styles_bomb(xlsx),
        "whitespace in a sheet (1.5 GB)": lambda: whitespace_sheet(xlsx),
        "cut short": lambda: cut_short(xlsx),
        "corrupted deflate byte": lambda: corrupted_deflate(xlsx),
        "false declared size": lambda: false_size(xlsx),
        "entity expansion in the sheet": lambda: laughs(xlsx, sheet),
        "entity expansion in the workbook": lambda: laughs(xlsx, "xl/workbook.xml"),
        "entity expansion in the content types": lambda: laughs(xlsx, "[Content_Types].xml"),
        "external entity in the sheet": lambda: external(xlsx, sheet),
    }
    cases["entity expansion in the shared strings"] = lambda: with_shared_strings(
        xlsx, LAUGHS, b"&lol9;"
    )
    cases["external entity in the shared strings"] = lambda: with_shared_strings(
        xlsx, EXTERNAL, b"&xxe;"
    )
    return cases
