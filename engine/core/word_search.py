"""Word search over short texts (the public catalogue): every word of the query matched on
its own, accents and case ignored (`fold`), results ranked by how many words match — the
name first, then the other texts (code, field, agency). Everyday phrases count as the
catalogue's words through `SYNONYMS` (data: add a line, no logic to change)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from engine.core.text import fold

__all__ = ["SYNONYMS", "rank_by_words", "words"]

T = TypeVar("T")

# Everyday speech (folded, left) → the catalogue's words (folded, right), phrase for phrase.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "xin phep": ("cap phep", "cap giay phep"),
    "xin giay phep": ("cap giay phep",),
    "xin": ("cap",),
    "lam": ("cap",),
    "nha": ("nha o",),
    "xay nha": ("xay dung nha o", "xay dung"),
    "sua nha": ("sua chua", "cai tao"),
    "khai sinh": ("ho tich",),
    "khai tu": ("ho tich",),
    "ket hon": ("ho tich",),
    "giay khai sinh": ("trich luc ho tich", "ho tich"),
    "ban sao": ("trich luc",),
    "so do": ("giay chung nhan quyen su dung dat",),
    "dat dai": ("dat",),
}
_LONGEST = max(len(k.split()) for k in SYNONYMS)
_WORD = re.compile(r"[0-9a-z]+(?:[.\-][0-9a-z]+)*")


@lru_cache(maxsize=16384)
def words(text: str) -> tuple[str, ...]:
    """The folded words of a text ("Cấp giấy phép" → cap, giay, phep); a code such as
    1.009994 stays one word. Cached: the catalogue's texts are folded once, not per request."""
    return tuple(_WORD.findall(fold(text)))


@lru_cache(maxsize=16384)
def _padded(text: str) -> str:
    """The folded words of a text between spaces: a phrase is in it when " phrase " is."""
    return f" {' '.join(words(text))} "


@dataclass(frozen=True)
class _Term:
    """A word of the query, or an everyday phrase with the catalogue's phrases it stands for
    (each as " word word ", ready to look for in `_padded` texts)."""

    size: int
    looked_for: tuple[str, ...]
    each_word: tuple[_Term, ...] = ()


def _term(tokens: list[str]) -> _Term:
    phrase = " ".join(tokens)
    looked_for = tuple(f" {p} " for p in (phrase, *SYNONYMS.get(phrase, ())))
    each = tuple(_term([w]) for w in tokens) if len(tokens) > 1 else ()
    return _Term(len(tokens), looked_for, each)


def _terms(query: str) -> list[_Term]:
    """The query's words, a phrase of `SYNONYMS` taken whole (longest first)."""
    tokens, terms, i = list(words(query)), [], 0
    while i < len(tokens):
        size = next(n for n in range(min(_LONGEST, len(tokens) - i), 0, -1)
                    if n == 1 or " ".join(tokens[i:i + n]) in SYNONYMS)
        terms.append(_term(tokens[i:i + size]))
        i += size
    return terms


def _matched(term: _Term, text: str) -> int:
    """How many of the query's words the term matches in a padded text: the phrase or one
    of its alternatives whole, otherwise each of its words on its own."""
    if any(p in text for p in term.looked_for):
        return term.size
    return sum(_matched(w, text) for w in term.each_word)


def _score(terms: Sequence[_Term], name: str, rest: str) -> tuple[int, int]:
    """(words matched in the name or the other texts, words matched in the name)."""
    in_name = [_matched(t, name) for t in terms]
    anywhere = sum(n if n == t.size else max(n, _matched(t, rest))
                   for t, n in zip(terms, in_name, strict=True))
    return anywhere, sum(in_name)


def rank_by_words(query: str, items: Iterable[T], name: Callable[[T], str],
         rest: Callable[[T], str]) -> list[T]:
    """The items matching at least half of the query's words (at least one), most words
    matched first, then most in the name; items equally matched keep their order. A query
    with no word (punctuation only) keeps every item."""
    terms = _terms(query)
    wanted = sum(t.size for t in terms)
    if not wanted:
        return list(items)
    scored = []
    for index, item in enumerate(items):
        anywhere, in_name = _score(terms, _padded(name(item)), _padded(rest(item)))
        if anywhere * 2 >= wanted and anywhere:
            scored.append((-anywhere, -in_name, index, item))
    return [item for *_, item in sorted(scored, key=lambda s: s[:3])]
