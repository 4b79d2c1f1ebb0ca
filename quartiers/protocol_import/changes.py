"""What an import would change: field by field, before → after (French, for people)."""

from dataclasses import dataclass
from datetime import date

from quartiers.contracts.content import EngagementData, ImportedContent
from quartiers.contracts.enums import AmendmentKind, PriorityKind, Role
from quartiers.core.enums import OrganisationKind

_CONTRACT_FIELDS = {
    "name": "nom",
    "territory": "territoire",
    "epci": "intercommunalité",
    "signed_on": "signé le",
    "starts_on": "début",
    "ends_on": "fin initiale",
    "generation": "génération",
}
_PARTNER_FIELDS = {
    "name": "nom",
    "kind": "nature",
    "parent": "rattaché à",
    "is_grid_column": "colonne de la grille",
}
_SHORT = 100  # characters of a text shown for an added or removed row


@dataclass(frozen=True)
class Change:
    """One change: `before` is None for an addition, `after` None for a removal."""

    subject: str  # « engagement 3 », « partenaire CAF », « contrat »
    field: str  # « texte », « rôle CAF »; empty for a whole row
    before: str | None
    after: str | None

    def __str__(self) -> str:
        where = f"{self.subject}, {self.field}" if self.field else self.subject
        if self.before is None:
            return f"+ {where} : {self.after}"
        if self.after is None:
            return f"- {where} : {self.before}"
        return f"{where} : {self.before} → {self.after}"


def show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    for choices in (Role, PriorityKind, AmendmentKind, OrganisationKind):
        if value in choices.values:
            return str(choices(value).label)
    return f"« {value} »" if isinstance(value, str) and " " in value else str(value)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return f"« {text[:_SHORT]}{'…' if len(text) > _SHORT else ''} »"


def new_contract(content: ImportedContent) -> list[Change]:
    return [Change("contrat", "", None, content.contract.name)]


def changes_between(old: ImportedContent, new: ImportedContent) -> list[Change]:
    """Everything `sync_imported_content` would write to turn `old` into `new`."""
    out: list[Change] = []
    for name, label in _CONTRACT_FIELDS.items():
        before, after = getattr(old.contract, name), getattr(new.contract, name)
        if before != after:
            out.append(Change("contrat", label, show(before), show(after)))
    out += _amendments(old, new)
    out += _ordered_names("pilier", old.pillars, new.pillars)
    out += _ordered_names("instance", old.governance_bodies, new.governance_bodies)
    out += _partners(old, new)
    out += _positional(
        "priorité", old.priorities, new.priorities, {"kind": "nature", "label": "intitulé"}
    )
    out += _keyed(
        "sigle",
        {g.acronym: g for g in old.glossary},
        {g.acronym: g for g in new.glossary},
        {"meaning": "signification"},
        lambda g: show(g.meaning),
    )
    out += _positional(
        "contribution",
        old.contributions,
        new.contributions,
        {"partner": "partenaire", "title": "intitulé", "text": "texte"},
    )
    out += _engagements(old.engagements, new.engagements)
    return out


def _amendments(old: ImportedContent, new: ImportedContent) -> list[Change]:
    def key(a):
        return (a.kind, a.starts_on)

    return _keyed(
        "avenant",
        {key(a): a for a in old.amendments},
        {key(a): a for a in new.amendments},
        {"title": "titre", "ends_on": "nouvelle date de fin"},
        lambda a: f"{show(a.kind)} jusqu'au {show(a.ends_on)}",
        subject=lambda a: f"{show(a.kind)} (début {show(a.starts_on)})",
    )


def _ordered_names(label: str, old: tuple[str, ...], new: tuple[str, ...]) -> list[Change]:
    out = [Change(label, "", None, show(n)) for n in new if n not in old]
    out += [Change(label, "", show(n), None) for n in old if n not in new]
    kept_old, kept_new = [n for n in old if n in new], [n for n in new if n in old]
    if kept_old != kept_new:
        out.append(Change(f"{label}s", "ordre", ", ".join(kept_old), ", ".join(kept_new)))
    return out


def _partners(old: ImportedContent, new: ImportedContent) -> list[Change]:
    out = _keyed(
        "partenaire",
        {p.code: p for p in old.partners},
        {p.code: p for p in new.partners},
        _PARTNER_FIELDS,
        lambda p: f"{p.code} ({p.name or 'nom à compléter'})",
        subject=lambda p: f"partenaire {p.code}",
    )
    kept_old = [p.code for p in old.partners if new.partner(p.code)]
    kept_new = [p.code for p in new.partners if old.partner(p.code)]
    if kept_old != kept_new:
        out.append(Change("partenaires", "ordre", ", ".join(kept_old), ", ".join(kept_new)))
    return out


def _keyed(label, old: dict, new: dict, fields: dict, describe, subject=None) -> list[Change]:
    out = [Change(label, "", None, describe(item)) for key, item in new.items() if key not in old]
    out += [Change(label, "", describe(item), None) for key, item in old.items() if key not in new]
    for key, after in new.items():
        before = old.get(key)
        if before is None:
            continue
        where = subject(after) if subject else f"{label} {key}"
        for name, field_label in fields.items():
            if getattr(before, name) != getattr(after, name):
                out.append(
                    Change(
                        where, field_label, show(getattr(before, name)), show(getattr(after, name))
                    )
                )
    return out


def _positional(label: str, old: tuple, new: tuple, fields: dict, start: int = 1) -> list:
    """Rows whose identity is their position: row n of `old` against row n of `new`."""
    out: list[Change] = []
    for number, (before, after) in enumerate(zip(old, new, strict=False), start=start):
        for name, field_label in fields.items():
            value_before, value_after = getattr(before, name), getattr(after, name)
            if value_before != value_after:
                out.append(
                    Change(f"{label} {number}", field_label, show(value_before), show(value_after))
                )
    common = min(len(old), len(new))
    for number, item in enumerate(new[common:], start=start + common):
        out.append(Change(f"{label} {number}", "", None, _describe(item)))
    for number, item in enumerate(old[common:], start=start + common):
        out.append(Change(f"{label} {number}", "", _describe(item), None))
    return out


def _describe(item) -> str:
    text = getattr(item, "text", None) or getattr(item, "label", "")
    return _short(text)


def _engagements(old: tuple[EngagementData, ...], new: tuple[EngagementData, ...]) -> list[Change]:
    fields = {"pillar": "pilier", "theme": "thème", "text": "texte"}
    out: list[Change] = []
    for number, (before, after) in enumerate(zip(old, new, strict=False), start=1):
        out += _positional("engagement", (before,), (after,), fields, start=number)
        out += _roles(f"engagement {number}", before, after)
    common = min(len(old), len(new))
    out += _positional("engagement", old[common:], new[common:], fields, start=common + 1)
    return out


def _roles(subject: str, before: EngagementData, after: EngagementData) -> list[Change]:
    roles_before = {(r.partner, r.service): r.role for r in before.roles}
    roles_after = {(r.partner, r.service): r.role for r in after.roles}
    out = []
    for key in dict.fromkeys([*roles_after, *roles_before]):
        partner, service = key
        label = f"rôle {partner}" + (f" ({service})" if service else "")
        old_role, new_role = roles_before.get(key), roles_after.get(key)
        if old_role != new_role:
            out.append(
                Change(
                    subject,
                    label,
                    show(old_role) if old_role else None,
                    show(new_role) if new_role else None,
                )
            )
    return out
