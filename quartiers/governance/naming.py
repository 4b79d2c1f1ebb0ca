"""What a body is called and coded, from the name a document gives it (pure functions: the
import's sync and the data migration of existing contracts both use them)."""

import re
import unicodedata

from quartiers.governance.enums import KIND_CODES, BodyKind

# Read on the folded name (no accents, lower case); the first that matches wins.
KIND_WORDS = [
    (r"\bconseils?\s+citoyens?\b", BodyKind.CITIZEN_COUNCIL),
    (r"\bparticipation\s+des\s+habitants\b|\bfph\b", BodyKind.FPH_COMMITTEE),
    (r"\bpilotage\b", BodyKind.STEERING),
    (r"\btechniques?\b", BodyKind.TECHNICAL),
    (r"\bateliers?\b", BodyKind.THEMATIC_WORKSHOP),
]
# The names a contract's committee gets when the programming needs it and the contract has
# none (a contract created by hand, or a document that does not name it).
COMMITTEE_NAMES = {
    BodyKind.STEERING: "Comité de pilotage",
    BodyKind.TECHNICAL: "Comité technique",
    BodyKind.FPH_COMMITTEE: "Comité du fonds de participation des habitants",
}
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "d", "l", "et", "a", "au", "aux"}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def body_kind(name: str) -> str:
    folded = fold(name)
    return next((kind for pattern, kind in KIND_WORDS if re.search(pattern, folded)), "other")


def body_code(kind: str, name: str, taken: set[str]) -> str:
    """`COPIL` for a comité de pilotage, the initials of other names (« Comité de suivi » →
    `CS`); a number is added when the contract already has that code."""
    base = KIND_CODES.get(kind)
    if base is None:
        words = [w for w in re.findall(r"[a-z0-9]+", fold(name)) if w not in SMALL_WORDS]
        base = "".join(w[0] for w in words).upper()[:12] or "INSTANCE"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}{n}"
    return code
