"""Text helpers shared by the passes: folding, codes, headings, letter-spacing."""

import re
import unicodedata

from quartiers.protocol_import import reference
from quartiers.protocol_import.documents import Paragraph

LONG_TEXT = 60  # characters: a grid cell longer than this is commitment text, not a label
MARK = re.compile(r"^[Xx✓✔]$")
_LEGEND_PAIR = re.compile(
    r"(?:^|;)\s*(?P<acronym>[A-ZÉ][A-Za-zÉ0-9]{1,15})\s*:\s*(?P<meaning>[^;:]{3,200}?)\s*(?:\.\s*)?(?=;|$)"
)


def fold(value: str) -> str:
    """Lowercase without accents, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", value.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def code_of(label: str) -> str:
    code = " ".join(fold(label).upper().split())
    return reference.CODE_ALIASES.get(code, code)


def capitalise(value: str) -> str:
    return value[:1].upper() + value[1:] if value else value


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def is_letter_spaced(value: str) -> bool:
    return bool(re.fullmatch(r"(?:[^\W\d_] +){2,}[^\W\d_]", value.strip()))


def is_heading(paragraph: Paragraph) -> bool:
    if paragraph.heading is not None:
        return paragraph.heading
    text = paragraph.text.strip()
    if not text or len(text) > 120 or len(text.split()) > 16:
        return False
    if text[-1] in ".:;,!?…" or text.startswith(("-", "•", "*", "«", '"')):
        return False
    if re.match(r"^\d+[.)]\s", text):
        return False
    return text[0].isupper() or text[0].isdigit()


def is_mark_cell(value: str) -> bool:
    tokens = value.split()
    return bool(tokens) and bool(MARK.match(tokens[0]))


def legend_pairs(text: str) -> list[tuple[str, str]]:
    """`ARS : Agence régionale de santé ; CD : …`: two pairs at least, else none."""
    pairs = [(m.group("acronym"), m.group("meaning").strip()) for m in _LEGEND_PAIR.finditer(text)]
    return pairs if len(pairs) >= 2 else []


def strip_article(value: str) -> str:
    return re.sub(r"^(la|le|les|l')\s*", "", value.strip(), flags=re.IGNORECASE)


def proper_case(name: str) -> str:
    out = []
    for index, word in enumerate(name.split()):
        if index and fold(word) in reference.STOPWORDS:
            out.append(word.lower())
        elif word.islower():
            out.append(capitalise(word))
        else:
            out.append(word)
    return " ".join(out)


def find_letters(letters: str, paragraphs: list[Paragraph]) -> str | None:
    """Find consecutive words of the text whose letters spell `letters` (accents restored)."""
    for paragraph in paragraphs:
        found = words(paragraph.text)
        folded = [fold(w) for w in found]
        for start in range(len(found)):
            built = ""
            for end in range(start, len(found)):
                built += folded[end]
                if built == letters:
                    phrase = " ".join(found[start : end + 1])
                    return phrase.lower() if not phrase.isupper() else phrase.capitalize()
                if not letters.startswith(built):
                    break
    return None
