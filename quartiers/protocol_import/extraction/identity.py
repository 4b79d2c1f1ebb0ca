"""Identity pass: the title, whether it is an amendment, the territory and the EPCI."""

import re

from quartiers.protocol_import import reference
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import capitalise, fold, proper_case


def read_identity(draft: Draft) -> None:
    paragraphs = draft.paragraphs
    if not paragraphs:
        draft.warn("no_title", "Le document ne contient aucun paragraphe de texte.")
        return
    draft.title = paragraphs[0].text
    folded_title = fold(draft.title)
    draft.is_amendment = any(word in folded_title for word in ("protocole", "avenant", "prolong"))
    quoted = re.search(r"«\s*([^«»\n]+?)\s*»", draft.title) or next(
        (
            match
            for p in paragraphs
            if (
                match := re.search(r"contrat de ville\s+«\s*([^«»\n]+?)\s*»", p.text, re.IGNORECASE)
            )
        ),
        None,
    )
    if quoted:
        draft.territory = proper_case(quoted.group(1))
    else:
        draft.warn(
            "no_territory",
            "Le nom du territoire (entre « ») n'a pas été trouvé ; à saisir après import.",
            paragraphs[0].line,
        )
    draft.epci = next((e for e in map(find_epci, (p.text for p in paragraphs)) if e), None)


def find_epci(text: str) -> str | None:
    match = re.search(
        r"(communaut[ée] (?:de communes|d'agglom[ée]ration|urbaine)|m[ée]tropole)\b",
        text,
        re.IGNORECASE,
    )
    if not match:
        return None
    tokens = re.findall(r"\s*(?:[dl]'|[^\s,;.()]+)", text[match.end() :])
    name_tokens: list[str] = []
    for token in tokens:
        word = token.strip()
        if fold(word).rstrip("'") in reference.STOPWORDS or word[:1].isupper():
            name_tokens.append(token)
            continue
        break
    while name_tokens and fold(name_tokens[-1].strip()).rstrip("'") in reference.STOPWORDS:
        name_tokens.pop()
    if not name_tokens:
        return None
    return (capitalise(match.group(1)) + "".join(name_tokens)).strip()
