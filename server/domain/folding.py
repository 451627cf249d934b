"""Text folded for matching names: look-alike letters, widths, accents, case and leetspeak taken out,
so that "P0L1CE", "Роlice" (Cyrillic Р and о), "𝐩𝐨𝐥𝐢𝐜𝐞", "ＰＯＬＩＣＥ" and "police" fold alike.

The look-alike table is Unicode's confusables.txt (UTS #39, "Unicode Security Mechanisms"), as the
`confusable-homoglyphs` package ships it (the package django-registration uses to refuse look-alike
user names); it is read offline from the package's data file. That file lists every line of
confusables.txt in both directions; a prototype is never itself mapped (UTS #39 skeletons are
idempotent), so the character to map is the end of a pair that has no other look-alike.

Both sides of a comparison go through `fold`, so a genuine Cyrillic or Greek word folds the same way
in the indicator list as in a signup: folding is for comparing, never for showing.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import unicodedata
from collections import defaultdict
from importlib import resources

LEETSPEAK = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
                           "$": "s", "€": "e"})
"""Digits and signs written for letters ("p0l1ce", "$heriff")."""

LETTER_LIKE_BARS = re.compile(r"(?<=[^\W\d_])[|!](?=[^\W\d_])")
"""A bar or exclamation mark between letters stands for an i or l ("Po|ice", "Pol!ce")."""

SAME_IN_MANY_FONTS = str.maketrans({"l": "i"})
"""l, I, 1, | and ! are told apart by font alone, so they fold to one letter ("po1ice", "pol1ce")."""

HANGUL_SYLLABLES = ("\uac00", "\ud7a3")

INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Hangul fillers: letters (Lo) that show as nothing, so "P\u3164olice" reads "Police". Unicode lists
them as default-ignorable code points, with the format characters (Cf) removed beside them."""

NAMED_LATIN_LETTER = re.compile(r"(?:LATIN LETTER SMALL CAPITAL|NEGATIVE (?:SQUARED|CIRCLED) LATIN CAPITAL LETTER|"
                                r"REGIONAL INDICATOR SYMBOL LETTER) ([A-Z])")
"""Latin letters that neither NFKC nor confusables.txt maps to a letter, though they read as one:
small capitals ("ᴘᴏʟɪᴄᴇ"), letters in black squares and circles ("🅿"), regional indicators."""

DIRECTION_MARKS = "\u200e\u200f"
"""confusable-homoglyphs wraps right-to-left characters in these marks; they are not part of them."""


@functools.cache
def look_alikes() -> dict[str, str]:
    """Each confusable character -> its UTS #39 prototype (one or more characters)."""
    data = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    graph: dict[str, set[str]] = defaultdict(set)
    for character, homoglyphs in json.loads(data).items():
        graph[_strip_marks(character)].update(_strip_marks(entry["c"]) for entry in homoglyphs)
    mapping: dict[str, str] = {}
    for character, neighbours in graph.items():
        if len(character) != 1 or len(neighbours) != 1:
            continue
        (prototype,) = neighbours
        # a prototype has every character that maps to it as a neighbour; a pair of two lone ends is
        # ambiguous in the package's data, and either choice folds both ends alike
        if len(graph.get(prototype, ())) > 1 or prototype < character:
            mapping[character] = prototype
    return mapping


@functools.cache
def named_latin_letters() -> dict[int, str]:
    """A translation table: each character NAMED_LATIN_LETTER describes -> its small Latin letter."""
    table = {}
    for code in range(sys.maxunicode + 1):
        found = NAMED_LATIN_LETTER.fullmatch(unicodedata.name(chr(code), ""))
        if found:
            table[code] = found.group(1).lower()
    return table


def fold(text: str) -> str:
    """`text` for comparison: NFKC (fullwidth, mathematical and compatibility letters), named Latin
    letters read as letters, invisible format characters removed, case folded, leetspeak read as
    letters, look-alikes replaced by their prototypes, accents and other combining marks dropped."""
    text = _visible(unicodedata.normalize("NFKC", text)).translate(named_latin_letters())
    text = LETTER_LIKE_BARS.sub("i", text).translate(LEETSPEAK)
    # capitals first (Greek Ε looks like E, its small ε does not), then the small letters case folding made
    text = _prototypes_of(_prototypes_of(text).casefold()).casefold()
    text = "".join(ch for ch in _decomposed(text) if unicodedata.category(ch) not in ("Mn", "Me"))
    return unicodedata.normalize("NFC", text.translate(SAME_IN_MANY_FONTS))


def _prototypes_of(text: str) -> str:
    table = look_alikes()
    return "".join(table.get(ch, ch) for ch in _decomposed(text))


def _decomposed(text: str) -> str:
    """NFD, except Hangul syllables: their jamo are letters, not a base and accents, and a word
    must keep its syllables whole to be found inside another."""
    return "".join(ch if HANGUL_SYLLABLES[0] <= ch <= HANGUL_SYLLABLES[1] else unicodedata.normalize("NFD", ch)
                   for ch in unicodedata.normalize("NFC", text))


def words(text: str) -> tuple[str, ...]:
    """The folded words of `text`: runs of letters, digits and marks (Devanagari's vowel signs are
    marks), split at spaces, punctuation, hyphens and apostrophes."""
    return tuple(_runs(fold(text)))


def raw_words(text: str) -> tuple[str, ...]:
    """The words of `text` as written (NFKC, format characters removed), for questions of case."""
    return tuple(_runs(_visible(unicodedata.normalize("NFKC", text))))


def _visible(text: str) -> str:
    """`text` without what shows as nothing: format characters and invisible letters."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and ch not in INVISIBLE_LETTERS)


def _runs(text: str) -> list[str]:
    found, current = [], []
    for ch in text:
        if unicodedata.category(ch)[0] in "LNM":
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in text if ch not in DIRECTION_MARKS)
