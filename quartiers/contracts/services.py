"""Business operations on contracts. Imports and the admin go through these functions."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from quartiers.accounts.services import organisation_for_partner
from quartiers.contracts.enums import PriorityKind
from quartiers.contracts.models import (
    Contract,
    Epci,
    ImportWarning,
    Qpv,
    SourceDocument,
    Theme,
)


@dataclass
class ImportedContent:
    """What an import brings, in the shape of `protocol_import.extraction` objects."""

    territory: str
    amendment: dict | None
    pillars: list[str]
    priorities: list[Any]
    governance_bodies: list[str]
    partners: list[Any]
    glossary: dict[str, str]
    contributions: list[Any]
    engagements: list[Any]
    warnings: list[Any]


def effective_end(contract: Contract):
    """The contract's end date once protocols and amendments are applied.

    Uses the `effective_ends_on` annotation of `Contract.objects.with_end()` when present
    (the same rule in SQL), so that lists do not query once per contract.
    """
    if hasattr(contract, "effective_ends_on"):
        return contract.effective_ends_on
    prolonged = contract.amendments.aggregate(end=Max("ends_on"))["end"]
    return max((d for d in (contract.ends_on, prolonged) if d), default=None)


def snapshot(contract: Contract) -> dict:
    """The stored contract in the shape of an extraction's JSON (see protocol_import)."""
    end = effective_end(contract)
    priorities = list(contract.priorities.all())
    engagements = contract.engagements.with_grid().order_by("number")
    return {
        "contract": {
            "name": contract.name,
            "territory": contract.territory,
            "epci": contract.epci.name if contract.epci else None,
            "signed_on": contract.signed_on.isoformat() if contract.signed_on else None,
            "ends_on": end.isoformat() if end else None,
        },
        "pillars": [p.name for p in contract.pillars.all()],
        "priorities": {
            kind: [p.label for p in priorities if p.kind == kind]
            for kind in (PriorityKind.THEMATIC, PriorityKind.TRANSVERSAL)
        },
        "governance_bodies": [b.name for b in contract.governance_bodies.all()],
        "partners": [{"code": p.code, "name": p.name or None} for p in contract.partners.all()],
        "glossary": [{"acronym": g.acronym, "meaning": g.meaning} for g in contract.glossary.all()],
        "contributions": [
            {"partner": c.partner.code, "text": c.text}
            for c in contract.contributions.select_related("partner")
        ],
        "engagements": [
            {
                "section": e.pillar.name,
                "theme": e.theme.name if e.theme else None,
                "text": e.text,
                "roles": [
                    {
                        "partner": r.partner.code,
                        "service": r.service.code if r.service else None,
                        "role": r.role,
                    }
                    for r in e.roles.all()
                ],
            }
            for e in engagements
        ],
    }


@transaction.atomic
def save_contract(
    *, contract: Contract | None, slug: str, epci_name: str | None, **fields
) -> Contract:
    if epci_name:
        fields["epci"], _ = Epci.objects.get_or_create(name=epci_name)
    if contract is None:
        return Contract.objects.create(slug=slug, **fields)
    _update(contract, fields)
    return contract


def _update(obj, values: dict) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return bool(changed)


class _Sync:
    """Create, update or mark stale the rows of one relation, keyed by natural keys."""

    def __init__(self, queryset, key_fields: tuple[str, ...]):
        self.model = queryset.model
        self.key_fields = key_fields
        self.existing = {tuple(getattr(o, f) for f in key_fields): o for o in queryset}
        self.kept: dict[tuple, Any] = {}

    def put(self, **values):
        key = tuple(values[f] for f in self.key_fields)
        obj = self.existing.pop(key, None)
        if obj is None:
            obj = self.model.objects.create(**values)
        else:
            _update(obj, values)
        self.kept[key] = obj
        return obj

    def delete_stale(self) -> None:
        for obj in self.existing.values():
            obj.delete()


@transaction.atomic
def sync_imported_content(*, contract: Contract, source: SourceDocument, data: ImportedContent):
    """Make the contract's imported content match `data`, touching only what changed."""
    provenance = {"contract": contract, "source_document": source}
    if data.territory and not contract.qpvs.exists():
        Qpv.objects.create(contract=contract, name=data.territory)
    if data.amendment:
        amendments = _Sync(contract.amendments.filter(source_document=source), ("title",))
        amendments.put(**provenance, **data.amendment)

    partners = _Sync(contract.partners.exclude(source_document=None), ("code",))
    for position, p in enumerate(data.partners):
        partners.put(
            **provenance,
            code=p.code,
            name=p.name or "",
            kind=p.kind,
            is_grid_column=p.is_grid_column,
            position=position,
            source_line=p.line,
        )
    by_code = {p.code: p for p in contract.partners.select_related("organisation")}
    for p in data.partners:
        _update(by_code[p.code], {"parent": by_code.get(p.parent) if p.parent else None})
    _link_organisations([by_code[p.code] for p in data.partners])

    pillars = _Sync(contract.pillars.all(), ("name",))
    for position, name in enumerate(data.pillars):
        line = next((e.line for e in data.engagements if e.section == name), None)
        pillars.put(**provenance, name=name, position=position, source_line=line)
    pillar_of = {p.name: p for p in pillars.kept.values()}
    themes = _Sync(Theme.objects.filter(pillar__contract=contract), ("pillar", "name"))
    for position, (section, name) in enumerate(
        dict.fromkeys((e.section, e.theme) for e in data.engagements if e.theme)
    ):
        themes.put(pillar=pillar_of[section], name=name, position=position)
    theme_of = {(t.pillar.name, t.name): t for t in themes.kept.values()}

    engagements = _Sync(contract.engagements.all(), ("number",))
    for number, e in enumerate(data.engagements, start=1):
        engagement = engagements.put(
            **provenance,
            number=number,
            pillar=pillar_of[e.section],
            theme=theme_of.get((e.section, e.theme)),
            text=e.text,
            source_line=e.line,
            raw_cells=e.raw_cells,
        )
        roles = _Sync(engagement.roles.all(), ("partner", "service"))
        for r in e.roles:
            roles.put(
                engagement=engagement,
                partner=by_code[r.partner],
                service=by_code.get(r.service) if r.service else None,
                role=r.role,
            )
        roles.delete_stale()
    engagements.delete_stale()
    themes.delete_stale()
    pillars.delete_stale()
    partners.delete_stale()

    _replace_ordered(
        contract.priorities.all(),
        [
            {
                **provenance,
                "kind": p.kind,
                "label": p.label,
                "details": p.details,
                "source_line": p.line,
            }
            for p in data.priorities
        ],
    )
    _replace_ordered(
        contract.governance_bodies.all(),
        [{**provenance, "name": name} for name in data.governance_bodies],
    )
    glossary = _Sync(contract.glossary.all(), ("acronym",))
    for acronym, meaning in data.glossary.items():
        glossary.put(**provenance, acronym=acronym, meaning=meaning)
    glossary.delete_stale()
    _replace_ordered(
        contract.contributions.all(),
        [
            {
                **provenance,
                "partner": by_code[c.partner],
                "title": c.title[:300],
                "text": c.text,
                "source_line": c.line,
            }
            for c in data.contributions
        ],
    )
    _replace_warnings(contract, source, data.warnings)


def _link_organisations(partners) -> None:
    """Give every imported partner an organisation (parents first, for State services)."""
    for partner in sorted(partners, key=lambda p: p.parent_id is not None):
        if partner.organisation_id:
            continue
        parent = partner.parent.organisation if partner.parent_id else None
        partner.organisation = organisation_for_partner(
            name=partner.name, acronym=partner.code, kind=partner.kind, parent=parent
        )
        partner.save(update_fields=["organisation"])


def _replace_ordered(queryset, rows: list[dict]) -> None:
    """Sync a list whose identity is its order (priorities, bodies, contributions)."""
    sync = _Sync(queryset, ("position",))
    for position, values in enumerate(rows):
        sync.put(position=position, **values)
    sync.delete_stale()


def _replace_warnings(contract: Contract, source: SourceDocument, warnings) -> None:
    reviewed = set(contract.import_warnings.filter(reviewed=True).values_list("code", "message"))
    contract.import_warnings.all().delete()
    ImportWarning.objects.bulk_create(
        ImportWarning(
            contract=contract,
            source_document=source,
            code=w.code,
            message=w.message,
            line=w.line,
            reviewed=(w.code, w.message) in reviewed,
        )
        for w in warnings
    )


def publish_contract(*, contract: Contract, published: bool = True) -> None:
    _update(contract, {"is_published": published})


def mark_warning_reviewed(*, warning: ImportWarning) -> None:
    """A person checked the warning (the caller journals who: see `access.services`)."""
    _update(warning, {"reviewed": True})
