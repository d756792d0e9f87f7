"""Put right a name a question writes differently from the documents: "Tiffin Brown" for
"Tiffin-Brown", "Early-Help Hub" for "Early Help Hub", "Adderly" for "Adderley", and
"polit" or "adderley" typed in lower case for "POLIT" and "Adderley". A name the
documents never write otherwise reads as a name they do not know, or not as a name at
all, and the question is refused. Words are only changed towards one name the documents
use; the corrected question is what the answer says it searched for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from assistant.text.proper_names import person_names

# A capitalised word, possibly hyphenated ("Tiffin-Brown", "Hi-Tech").
_CAPITALISED = re.compile(r"\b[A-Z][a-zà-ÿ’']*[a-zà-ÿ](?:-[A-Z][a-zà-ÿ]+)*\b")
_HYPHENATED = re.compile(r"\b([A-Z][a-zà-ÿ]+)-([A-Z][a-zà-ÿ]+)\b")
_WORD = re.compile(r"[A-Za-zà-ÿ]+")
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ]+(?![\w-])")
_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")


class NameSpeller:
    def __init__(
        self,
        words: set[str],
        names: set[str],
        hyphenated: dict[tuple[str, str], str],
        cased: dict[str, str],
        acronyms: set[str],
    ) -> None:
        self.words = words  # every word of the documents, lower case
        self.names = names  # capitalised words, as written ("Adderley")
        self.hyphenated = hyphenated  # ("tiffin", "brown"): "Tiffin-Brown"
        self.cased = cased  # "polit": "POLIT", "adderley": "Adderley"
        self.acronyms = acronyms
        self._cased_forms = set(cased.values())
        self._by_initial: dict[str, list[str]] = {}
        for name in sorted(names):
            if len(name) >= 5:
                self._by_initial.setdefault(name[0], []).append(name)

    @classmethod
    def of_texts(cls, texts: Iterable[str]) -> NameSpeller:
        """The names the documents' texts write (worked out when they are indexed)."""
        words: set[str] = set()
        names: set[str] = set()
        hyphenated: dict[tuple[str, str], str] = {}
        texts_seen = list(texts)
        lowercase: set[str] = set()  # words the documents write in lower case somewhere
        for text in texts_seen:
            found_words = _WORD.findall(text)
            words.update(w.lower() for w in found_words)
            lowercase.update(w for w in found_words if w.islower())
            names.update(m.group(0) for m in _CAPITALISED.finditer(text) if "-" not in m.group(0))
            for m in _HYPHENATED.finditer(text):
                hyphenated[(m.group(1).lower(), m.group(2).lower())] = m.group(0)
        # "polit": "POLIT", "adderley": "Adderley": an acronym or a person's name, which
        # the documents never write in lower case.
        forms: dict[str, set[str]] = {}
        in_lower_case = frozenset(lowercase)
        for text in texts_seen:
            found = _ACRONYM.findall(text)
            found += [w for n in person_names(text, in_lower_case) for w in n.split()]
            for word in found:
                forms.setdefault(word.lower(), set()).add(word)
        cased = {
            low: written.pop()
            for low, written in forms.items()
            if len(written) == 1 and low not in lowercase and len(low) >= 3
        }
        acronyms = {a for text in texts_seen for a in _ACRONYM.findall(text)}
        return cls(words, names, hyphenated, cased, acronyms)

    def to_json(self) -> dict[str, Any]:
        return {
            "words": sorted(self.words),
            "names": sorted(self.names),
            # In the order first found: `respell` puts them right in that order.
            "hyphenated": [[*pair, name] for pair, name in self.hyphenated.items()],
            "cased": self.cased,
            "acronyms": sorted(self.acronyms),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NameSpeller:
        hyphenated = {(first, second): name for first, second, name in data["hyphenated"]}
        return cls(
            set(data["words"]), set(data["names"]), hyphenated, data["cased"], set(data["acronyms"])
        )

    def respell(self, question: str) -> str:
        """The question with its names written as the documents write them."""
        question = _LOWER_WORD.sub(self._recased, question)
        # "Tiffin Brown" as "Tiffin-Brown", a name the documents only write hyphenated.
        for (first, second), name in self.hyphenated.items():
            question = re.sub(rf"\b{first} {second}\b", name, question, flags=re.I)
        question = _HYPHENATED.sub(self._split, question)
        question = _ACRONYM.sub(self._acronym, question)
        return _CAPITALISED.sub(self._corrected, question)

    def _acronym(self, m: re.Match[str]) -> str:
        """ "MOSOVA" as "MOSOVO": an acronym the documents never use, one slip from exactly
        one of theirs (five letters or more, so that short ones are not guessed at)."""
        word = m.group(0)
        if len(word) < 5 or word in self.acronyms:
            return word
        near = {a for a in self.acronyms if len(a) == len(word) and _distance(word, a) == 1}
        return near.pop() if len(near) == 1 else word

    def _recased(self, m: re.Match[str]) -> str:
        """ "adderley" as "Adderley"; "adderly", a word the documents never use, too."""
        word = m.group(0)
        if word in self.cased:
            return self.cased[word]
        near = self._near(word)
        return near if near is not None and near in self._cased_forms else word

    def _split(self, m: re.Match[str]) -> str:
        """ "Early-Help" as "Early Help", when the documents never hyphenate it."""
        pair = (m.group(1).lower(), m.group(2).lower())
        if pair in self.hyphenated or f"{pair[0]}-{pair[1]}" in self.words:
            return m.group(0)
        return f"{m.group(1)} {m.group(2)}" if all(p in self.words for p in pair) else m.group(0)

    def _corrected(self, m: re.Match[str]) -> str:
        """A word the documents never use, one slip from exactly one of their names."""
        word = m.group(0)
        if "-" in word:
            return word
        return self._near(word) or word

    def _near(self, word: str) -> str | None:
        """The one name of the documents a word they never use is one slip from."""
        if len(word) < 5 or word.lower() in self.words:
            return None
        allowed = 1 if len(word) < 8 else 2
        near = {
            name
            for name in self._by_initial.get(word[0].upper(), ())
            if abs(len(name) - len(word)) <= allowed and _distance(word, name) <= allowed
        }
        return near.pop() if len(near) == 1 else None


def _distance(a: str, b: str) -> int:
    """Edit distance, counting a swap of two neighbouring letters as one edit."""
    a, b = a.lower(), b.lower()
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]
