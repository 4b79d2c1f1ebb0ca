"""What a grid cell says: marks (X lead, x associate), services after a mark, the « autre »
column's partners, and letter-spaced theme labels."""

import re

from quartiers.contracts.content import RoleData
from quartiers.contracts.enums import Role
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import (
    MARK,
    capitalise,
    code_of,
    find_letters,
    fold,
    is_letter_spaced,
)


def theme_label(draft: Draft, value: str, line: int) -> str:
    """A theme cell; `S A N T E` is matched against the document's words for its accents."""
    value = " ".join(value.split())
    if not (is_letter_spaced(value) or value.isupper()):
        return capitalise(value)
    letters = re.sub(r"[^\w]", "", fold(value))
    draft.check_time()  # each theme cell reads every paragraph's words
    found = find_letters(letters, draft.paragraphs)
    if found:
        return capitalise(found)
    if is_letter_spaced(value) and "  " in value:
        return capitalise(" ".join(p.replace(" ", "") for p in value.split("  ")).lower())
    draft.warn(
        "theme_label",
        f"Intitulé de thème « {value} » reconstitué sans pouvoir vérifier ses mots ni ses "
        "accents dans le texte.",
        line,
    )
    return capitalise(letters)


def roles_from_cell(draft: Draft, value: str, code: str, line: int) -> list[RoleData]:
    """A partner column's cell: `X` lead, `x` associate, `X ARS` lead through a service."""
    if not value:
        return []
    tokens = value.replace(",", " ").replace("/", " ").split()
    if not tokens:  # only separators, e.g. "," or "/": nothing is marked
        return []
    if not MARK.match(tokens[0]):
        draft.warn(
            "mark_unrecognised",
            f"Marque « {value} » non reconnue dans la colonne {code} : rôle non précisé.",
            line,
        )
        role = Role.UNSPECIFIED
        services = [t for t in tokens if t.isupper() and len(t) > 1]
    else:
        role = Role.LEAD if tokens[0].isupper() else Role.ASSOCIATE
        if tokens[0] in "✓✔":
            role = Role.UNSPECIFIED
        services = tokens[1:]
    if not services:
        return [RoleData(code, None, role)]
    out = []
    for service in services:
        service_code = code_of(service)
        draft.add_partner(service_code, line, parent=code)
        out.append(RoleData(code, service_code, role))
    return out


def roles_from_other(draft: Draft, value: str, line: int) -> list[RoleData]:
    """The « autre » column: one partner per acronym, role unspecified unless marked."""
    if not value:
        return []
    tokens = [t for t in re.split(r"[\s,;/+]+|\bet\b", value) if t]
    role = Role.UNSPECIFIED
    if tokens and MARK.match(tokens[0]) and len(tokens) > 1:
        role = Role.LEAD if tokens[0].isupper() else Role.ASSOCIATE
        tokens = tokens[1:]
    codes: list[str] = []
    for token in tokens:
        if len(token) == 1 and codes and token.isalpha():
            joined = codes[-1] + token.upper()
            draft.warn(
                "fragment_joined",
                f"Colonne « autre » : « {codes[-1]} {token} » lu comme « {joined} » "
                "(lettre isolée rattachée au sigle précédent).",
                line,
            )
            codes[-1] = joined
            continue
        codes.append(code_of(token))
    for code in codes:
        draft.add_partner(code, line)
    return [RoleData(code, None, role) for code in codes]
