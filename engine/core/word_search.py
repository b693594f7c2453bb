"""Word search over short texts (the public catalogue): every word of the query matched on
its own, accents and case ignored (`fold`), results ranked by how many words match — the
name first, then the other texts (code, field, agency). Everyday phrases count as the
catalogue's words through `SYNONYMS` (data: add a line, no logic to change). The query's
last word may be typed half-way («xây dựn»): it also matches as the beginning of a word,
which only ranks an item among those matching as many words whole. Plain string tests,
no pattern: nothing the user types is a wildcard."""

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
MAX_QUERY = 200  # characters of the query looked at
MIN_BEGINNING = 2  # letters of a half-typed last word before it matches as a beginning
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
    (each as " word word ", ready to look for in `_padded` texts). At the query's end,
    `begun` holds what it may also begin: " phe" begins " phep ", and «khai sin» begun
    stands for what «khai sinh» does."""

    size: int
    looked_for: tuple[str, ...]
    each_word: tuple[_Term, ...] = ()
    begun: tuple[str, ...] = ()


def _term(tokens: list[str], last: bool = False) -> _Term:
    phrase = " ".join(tokens)
    looked_for = tuple(f" {p} " for p in (phrase, *SYNONYMS.get(phrase, ())))
    each = tuple(_term([w], last and i == len(tokens) - 1)
                 for i, w in enumerate(tokens)) if len(tokens) > 1 else ()
    if not last or len(tokens[-1]) < MIN_BEGINNING:
        return _Term(len(tokens), looked_for, each)
    completed = [k for k in SYNONYMS if len(tokens) > 1 and k.startswith(phrase)
                 and len(k.split()) == len(tokens)]
    begun = (f" {phrase}", *(f" {p} " for k in completed for p in (k, *SYNONYMS[k])))
    return _Term(len(tokens), looked_for, each, begun)


def _size(tokens: list[str], i: int) -> int:
    """How many tokens from the i-th make one term: the longest phrase of `SYNONYMS`
    there, or the phrase the query ends with half-way, else one word."""
    left = len(tokens) - i
    for n in range(min(_LONGEST, left), 1, -1):
        phrase = " ".join(tokens[i:i + n])
        if phrase in SYNONYMS or (n == left and any(
                k.startswith(phrase) and len(k.split()) == n for k in SYNONYMS)):
            return n
    return 1


def _terms(query: str) -> list[_Term]:
    """The query's words, a phrase of `SYNONYMS` taken whole (longest first); the last
    word (or phrase) may also be typed half-way."""
    tokens, terms, i = list(words(query[:MAX_QUERY])), [], 0
    while i < len(tokens):
        size = _size(tokens, i)
        terms.append(_term(tokens[i:i + size], last=i + size == len(tokens)))
        i += size
    return terms


def _matched(term: _Term, text: str) -> tuple[int, int]:
    """How many of the query's words the term matches in a padded text, (whole, whole or
    begun): the phrase or one of its alternatives, otherwise each of its words on its own."""
    if any(p in text for p in term.looked_for):
        return term.size, term.size
    whole = reached = 0
    for word in term.each_word:
        w, r = _matched(word, text)
        whole, reached = whole + w, reached + r
    if any(p in text for p in term.begun):
        reached = term.size
    return whole, reached


def _score(terms: Sequence[_Term], name: str, rest: str) -> tuple[int, int, int]:
    """(words matched whole or begun in the name or the other texts, words matched whole
    there, words matched whole or begun in the name)."""
    anywhere = whole = in_name = 0
    for term in terms:
        name_whole, name_reached = _matched(term, name)
        rest_whole, rest_reached = (0, 0) if name_whole == term.size else _matched(term, rest)
        anywhere += max(name_reached, rest_reached)
        whole += max(name_whole, rest_whole)
        in_name += name_reached
    return anywhere, whole, in_name


def rank_by_words(query: str, items: Iterable[T], name: Callable[[T], str],
         rest: Callable[[T], str]) -> list[T]:
    """The items matching at least half of the query's words (at least one, whole or begun),
    most words matched whole first (the ranking of whole words), then most matched whole or
    begun, then most in the name; items equally matched keep their order. A query with no
    word (punctuation only) keeps every item. Only the first `MAX_QUERY` characters count."""
    terms = _terms(query)
    wanted = sum(t.size for t in terms)
    if not wanted:
        return list(items)
    scored = []
    for index, item in enumerate(items):
        anywhere, whole, in_name = _score(terms, _padded(name(item)), _padded(rest(item)))
        if anywhere * 2 >= wanted and anywhere:
            scored.append((-whole, -anywhere, -in_name, index, item))
    return [item for *_, item in sorted(scored, key=lambda s: s[:4])]
