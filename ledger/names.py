"""Names of ledger items, normalised so that one item is never counted twice.

`normalise` (the rule the README states):

1. Unicode NFKC: full-width letters, digits and brackets become their ASCII forms
   (ＡＢＣ１２３（） → ABC123()).
2. Every space is dropped, the ideographic space U+3000 and invisible characters
   (zero-width space, BOM…) included.
3. Brackets of every kind (【】〔〕［］｛｝〈〉《》「」『』 and [] {}) become round ones;
   quotation marks (“”‘’"'`) are dropped.
4. Latin letters are compared without case; trailing punctuation (。.，,；;、) is dropped.
5. Common suffixes are taken off the end, repeatedly: 股份有限公司, 有限责任公司, 有限公司,
   研究院, 研究所 — so "某某研究院有限公司", "某某研究院" and "某某" are one item.
   A name that is nothing but a suffix keeps it.

Near matches (`near_matches`) compare normalised names with RapidFuzz's `fuzz.ratio`
(an edit-distance similarity, 0-100, character by character, so it works for
Chinese): `NEAR_MATCH_SCORE` or more, or one name containing the other (four
characters or more), asks the user to confirm that it is a different item.
"""

import unicodedata

from rapidfuzz import fuzz

SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "研究院", "研究所")
NEAR_MATCH_SCORE = 85
MIN_CONTAINED = 4

_OPENING = "【〔［｛〈《「『[{﹝⦅〘〖"
_CLOSING = "】〕］｝〉》」』]}﹞⦆〙〗"
_BRACKETS = str.maketrans({**dict.fromkeys(_OPENING, "("), **dict.fromkeys(_CLOSING, ")")})
_QUOTES = str.maketrans(dict.fromkeys("“”‘’\"'`「」", None))
_TRAILING = "。.，,；;、"


def _is_blank(char):
    return char.isspace() or unicodedata.category(char) == "Cf"


def normalise(name):
    """The form of `name` in which two ways of writing one item are equal (see above)."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(char for char in text if not _is_blank(char))
    text = text.translate(_QUOTES).translate(_BRACKETS).casefold().rstrip(_TRAILING)
    stripped = text
    while True:
        suffix = next((s for s in SUFFIXES if stripped.endswith(s) and stripped != s), None)
        if suffix is None:
            break
        stripped = stripped[: -len(suffix)].rstrip(_TRAILING)
    return stripped or text


def is_near(first, second):
    """Whether two normalised names are probably one item written two ways."""
    if first == second:
        return True
    if min(len(first), len(second)) >= MIN_CONTAINED and (first in second or second in first):
        return True
    return fuzz.ratio(first, second) >= NEAR_MATCH_SCORE


def near_matches(normalised, candidates):
    """The candidates (objects with `normalized_name`) whose names are near `normalised`
    but not equal to it (an equal one is a duplicate, refused outright)."""
    return [
        c
        for c in candidates
        if c.normalized_name != normalised and is_near(normalised, c.normalized_name)
    ]
