"""Glossary pass: legend lines (`ARS : Agence régionale de santé ; CD : …`) anywhere."""

from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import code_of, fold, legend_pairs


def read_glossary(draft: Draft) -> None:
    texts = [(p.text, p.line) for p in draft.paragraphs]
    texts += [
        (cell, row.line) for table in draft.tables for row in table.rows for cell in row.cells
    ]
    for text, line in texts:
        for acronym, meaning in legend_pairs(text.replace("\n", " ")):
            code = code_of(acronym)
            if code in draft.glossary and fold(draft.glossary[code]) != fold(meaning):
                draft.warn(
                    "glossary_conflict",
                    f"Le sigle {code} est défini deux fois : « {draft.glossary[code]} » "
                    f"et « {meaning} ».",
                    line,
                )
                continue
            draft.glossary.setdefault(code, meaning)
