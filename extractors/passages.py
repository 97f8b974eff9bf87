"""Article text to passages of a few sentences, with character offsets into the text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from extractors.records import Passage

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace,
# or at a paragraph break; abbreviations like "U.S." stay whole because no space follows the inner dot.
_SENTENCE = re.compile(r"[^\n]*?(?:[.!?…]+[\"'”’)\]]*(?=\s)|$)", re.MULTILINE)
_WORD = re.compile(r"\S+")
_SUBWORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class PassageLimits:
    """Passage size bounds; MiniLM truncates beyond 256 word-piece tokens."""

    min_words: int = 40
    target_words: int = 110
    max_words: int = 180
    max_tokens: int = 256


def estimate_tokens(text: str) -> int:
    """Word-piece count estimate: words and punctuation, plus a margin for split long words."""
    pieces = _SUBWORD.findall(text)
    return sum(1 + len(p) // 8 for p in pieces)


def split_passages(
    text: str,
    limits: PassageLimits | None = None,
    count_tokens: Callable[[str], int] = estimate_tokens,
) -> list[Passage]:
    """Group sentences into passages near `target_words`, breaking at paragraph ends when possible."""
    limits = limits or PassageLimits()
    spans = list(_sentence_spans(text, limits.max_words))
    groups: list[list[tuple[int, int, bool]]] = []
    current: list[tuple[int, int, bool]] = []
    words = 0
    for start, end, ends_paragraph in spans:
        n = len(_WORD.findall(text[start:end]))
        candidate_tokens = count_tokens(text[current[0][0] : end]) if current else 0
        if current and (words + n > limits.max_words or candidate_tokens > limits.max_tokens):
            groups.append(current)
            current, words = [], 0
        current.append((start, end, ends_paragraph))
        words += n
        if words >= limits.target_words or (ends_paragraph and words >= limits.min_words):
            groups.append(current)
            current, words = [], 0
    if current:
        tail_words = words
        if groups and tail_words < limits.min_words:
            merged_words = len(_WORD.findall(text[groups[-1][0][0] : current[-1][1]]))
            if merged_words <= limits.max_words and count_tokens(text[groups[-1][0][0] : current[-1][1]]) <= limits.max_tokens:
                groups[-1].extend(current)
                current = []
        if current:
            groups.append(current)
    return [
        Passage(position=i, text=text[g[0][0] : g[-1][1]], char_start=g[0][0], char_end=g[-1][1])
        for i, g in enumerate(groups)
    ]


def _sentence_spans(text: str, max_words: int):
    """(start, end, ends_paragraph) of each sentence, trimmed; over-long sentences are cut by words."""
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        ends_paragraph = end >= len(text.rstrip()) or "\n" in text[end : end + 2] or text[end:end + 1] == ""
        words = list(_WORD.finditer(text, start, end))
        if len(words) <= max_words:
            yield start, end, ends_paragraph
            continue
        for i in range(0, len(words), max_words):
            chunk = words[i : i + max_words]
            last = i + max_words >= len(words)
            yield chunk[0].start(), chunk[-1].end(), ends_paragraph and last


def split_sentences(text: str, max_words: int = PassageLimits.max_words) -> list[str]:
    """The sentences `split_passages` groups, in order (over-long ones cut by words)."""
    return [text[start:end] for start, end, _ in _sentence_spans(text, max_words)]
