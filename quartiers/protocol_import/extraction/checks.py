"""Consistency pass: a name written differently in the same document (« Loriol » / « Lorient »)."""

import difflib
import re

from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import fold, proper_case, words


def check_names(draft: Draft) -> None:
    if not draft.territory:
        return
    texts = [(p.text, p.line) for p in draft.paragraphs]
    texts += [(c, r.line) for t in draft.tables for r in t.rows for c in r.cells]
    variants: dict[str, list[int]] = {}
    spellings: dict[str, str] = {}
    reference_name = fold(draft.territory)
    for text, line in texts:
        draft.check_time()
        for match in re.finditer(r"«\s*([^«»\n]+?)\s*»", text):
            candidate = match.group(1)
            key = fold(candidate)
            ratio = difflib.SequenceMatcher(None, key, reference_name).ratio()
            if key == reference_name or (
                ratio >= 0.75 and len(key.split()) == len(reference_name.split())
            ):
                variants.setdefault(key, []).append(line)
                spellings.setdefault(key, candidate)
    others = [k for k in variants if k != reference_name]
    if not others:
        return
    listed = "; ".join(
        f"« {proper_case(spellings[k])} » (lignes {_lines(variants[k])})" for k in variants
    )
    draft.warn(
        "name_mismatch",
        f"Le territoire est écrit de plusieurs façons : {listed}. Le titre retient "
        f"« {draft.territory} » ; à vérifier.",
        min(variants[others[0]]),
    )
    reference_words = set(reference_name.split())
    for key in others:
        draft.check_time()
        for word in set(key.split()) - reference_words:
            original = next(w for w in words(spellings[key]) if fold(w) == word)
            lines = [
                line
                for text, line in texts
                if re.search(rf"\b{re.escape(original)}\b", text, re.IGNORECASE)
                and not re.search(r"«[^«»]*" + re.escape(original), text, re.IGNORECASE)
            ]
            if lines:
                draft.warn(
                    "name_mismatch",
                    f"« {original} » apparaît aussi hors du nom du territoire "
                    f"(lignes {_lines(lines)}) : nom de commune à vérifier.",
                    lines[0],
                )


def _lines(lines: list[int]) -> str:
    return ", ".join(str(n) for n in sorted(set(lines)))
