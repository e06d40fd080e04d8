"""Cell rules shared by the CSV and XLSX writers.

Why our own `neutralise` rather than defusedcsv: defusedcsv (3.0) only checks
`= + - @ | %`, so a text starting with Tab, CR, LF or NUL passes unescaped (the
OWASP list includes the first three; the issue asks for NUL too); it also rewrites
every `|` in a flagged text to `\\|`, changing what the bureau wrote; it lets text
such as "-5" through as if it were a number; and it cannot help in XLSX, where
openpyxl would store a string starting with `=` as a formula. One function here
serves both formats; real numbers never reach it, so they stay numbers.
"""

import datetime
import unicodedata
from decimal import Decimal

from django.utils import timezone

# A text cell starting with one of these may be read as a formula (OWASP: = + - @
# Tab CR; the issue adds LF and NUL). Every other control character is treated the
# same way: an importer that drops it would leave a formula in front.
FORMULA_TRIGGERS = frozenset("=+-@")
# Look-alikes a spreadsheet or an import may turn into a trigger: full-width
# ＝＋－＠ and the small forms (NFKC maps them onto = + - @), and the minus sign.
MINUS_SIGN = "\u2212"
NEUTRALISER = "'"


def _is_blank(char):
    """Characters that may stand, unseen, before a formula and be dropped by an import:
    white space (the ideographic space U+3000, NBSP…) and invisible format characters
    (zero-width space and joiners, word joiner, BOM: Unicode category Cf)."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def _is_trigger(char):
    return (
        unicodedata.normalize("NFKC", char) in FORMULA_TRIGGERS
        or char == MINUS_SIGN
        or char < " "
        or char == "\x7f"
    )


def neutralise(text):
    """`text` with a leading `'` if a spreadsheet could take it for a formula.

    The first character decides: "=1+1" becomes "'=1+1", "a=b" stays; a text
    starting with any control character (Tab, CR, LF, NUL, \\x01…) is neutralised
    too, and so is one starting with a full-width ＝＋－＠ or with blank or invisible
    characters (U+3000, NBSP, zero-width) before a formula character.
    """
    if not text:
        return text
    first = text[0]
    if first.isalnum():  # most text (letters, digits, Chinese): never a trigger or blank
        return text
    if _is_trigger(first):
        return NEUTRALISER + text
    if _is_blank(first):
        rest = next((char for char in text if not _is_blank(char)), "")
        if rest and _is_trigger(rest):
            return NEUTRALISER + text
    return text


def plain_number(value):
    """A number as spreadsheets in any locale read it: no thousands separator, a dot
    for decimals, no trailing zeros and no exponent (10.00 → "10", 2.50 → "2.5",
    1E+3 → "1000", -5 → "-5").
    """
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"  # also for -0 and 0E-2
    return format(value.normalize(), "f")


def one_decimal(value):
    """A percentage with exactly one decimal: 70 → "70.0" (the header says %)."""
    return format(Decimal(value).quantize(Decimal("0.1")), "f")


def local_datetime(value, tz=None):
    """An aware datetime in the site's time zone (or `tz`), to the second, naive, as
    spreadsheets parse it."""
    return timezone.localtime(value, tz).replace(microsecond=0, tzinfo=None)


def text_of(value, tz=None):
    """Dates and times as ISO text (used by CSV; XLSX keeps them typed)."""
    if isinstance(value, datetime.datetime):
        return local_datetime(value, tz).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
