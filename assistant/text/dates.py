"""Publication dates: parse the forms documents use into ISO strings, and format them
for people. A date known only to the year stays a year; no day is ever made up. Also
the years a document names and is about, which retrieval and sentence scoring share.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.types import Document

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
MONTHS |= {name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
MONTHS["sept"] = 9
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)")
_DMY_NUM = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")  # UK order: day first
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b", re.I)
_MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_MY = re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b", re.I)
_YEAR = re.compile(r"^\s*(19\d\d|20\d\d)\s*$")
YEAR_IN_TEXT = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def parse_date(value: object) -> str | None:
    """An ISO date ("2021-03-24"), month ("2021-03") or year ("2013"); None if unreadable."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and 1900 <= value <= 2100:
        return str(value)
    if not isinstance(value, str):
        return None
    return _parse_text(value)


def _parse_text(text: str) -> str | None:
    if m := _YEAR.match(text):
        return m.group(1)
    for pattern, order in ((_ISO, "ymd"), (_DMY_NUM, "dmy"), (_DMY, "dMy"), (_MDY, "Mdy")):
        if m := pattern.search(text):
            got = _build(m.groups(), order)
            if got:
                return got
    if m := _MY.search(text):
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1).lower()]:02d}"
    return None


def _build(groups: tuple[str | None, ...], order: str) -> str | None:
    parts: dict[str, int | None] = {}
    for key, raw in zip(order, groups, strict=True):
        if raw is None:
            parts[key.lower()] = None
        elif key == "M":
            parts["m"] = MONTHS[raw.lower()]
        else:
            parts[key] = int(raw)
    year, month, day = parts["y"], parts["m"], parts.get("d")
    if year is None or month is None:
        return None
    try:
        if day is None:
            dt.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_in_text(text: str, within: int = 400) -> str | None:
    """A full date written near the top of a document ("Published on: 24 March 2021")."""
    head = text[:within]
    for pattern, order in ((_DMY, "dMy"), (_MDY, "Mdy"), (_ISO, "ymd"), (_DMY_NUM, "dmy")):
        if m := pattern.search(head):
            got = _build(m.groups(), order)
            if got and len(got) == 10:
                return got
    return None


def years_in(text: str) -> list[int]:
    """Four-digit years named in a text, in order, without repeats."""
    seen: list[int] = []
    for m in YEAR_IN_TEXT.finditer(text):
        year = int(m.group(1))
        if year not in seen:
            seen.append(year)
    return seen


def human_date(iso: str | None) -> str:
    """'24 March 2021', 'March 2021', '2013', or 'date unknown'."""
    if not iso:
        return "date unknown"
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def doc_years(doc: Document) -> set[int]:
    """The years a document mentions at all: those it names, and the year it was published."""
    found = set(_years_named(doc))
    return found | ({doc.meta.year} if doc.meta.year else set())


def current_years(doc: Document) -> set[int]:
    """The years a document is mainly about: the year it was published, and the latest
    earlier year it names (a report published in March 2021 on an inspection in late
    2020 is about 2020; its look back at 2018 is not)."""
    published = doc.meta.year
    if published is None:
        return set()
    earlier = [y for y in _years_named(doc) if y < published]
    return {published, max(earlier)} if earlier else {published}


def _years_named(doc: Document) -> tuple[int, ...]:
    return doc.years if doc.years is not None else _years_in_text(doc.text)


@lru_cache(maxsize=4096)
def _years_in_text(text: str) -> tuple[int, ...]:
    return tuple(years_in(text))
