"""Business operations on contracts. Imports and the admin go through these functions."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from quartiers.accounts import services as accounts_services
from quartiers.accounts.permissions import can_set_kind
from quartiers.accounts.services import organisation_for_partner
from quartiers.contracts.content import (
    AmendmentData,
    ContractData,
    ContributionData,
    EngagementData,
    GlossaryData,
    ImportedContent,
    PartnerData,
    PriorityData,
    RoleData,
    SourceInfo,
    WarningData,
    sorted_roles,
)
from quartiers.contracts.enums import Role
from quartiers.contracts.models import (
    Contract,
    Engagement,
    EngagementRole,
    Epci,
    ImportWarning,
    Partner,
    Pillar,
    Qpv,
    SourceDocument,
    Theme,
)
from quartiers.core.enums import OrganisationKind


def effective_end(contract: Contract):
    """The contract's end date once protocols and amendments are applied.

    Uses the `effective_ends_on` annotation of `Contract.objects.with_end()` when present
    (the same rule in SQL), so that lists do not query once per contract.
    """
    if hasattr(contract, "effective_ends_on"):
        return contract.effective_ends_on
    prolonged = contract.amendments.aggregate(end=Max("ends_on"))["end"]
    return max((d for d in (contract.ends_on, prolonged) if d), default=None)


def snapshot(contract: Contract) -> ImportedContent:
    """The contract's imported content as stored, comparable with what a document gives."""
    source = contract.source_document
    engagements = contract.engagements.with_grid().order_by("number")
    return ImportedContent(
        source=SourceInfo(source.name, source.sha256, source.title, source.format)
        if source
        else None,
        contract=ContractData(
            name=contract.name,
            territory=contract.territory,
            epci=contract.epci.name if contract.epci else None,
            signed_on=contract.signed_on,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            generation=contract.generation,
        ),
        amendments=tuple(
            AmendmentData(a.kind, a.title, a.starts_on, a.ends_on, a.source_line)
            for a in contract.amendments.exclude(source_document=None)
        ),
        pillars=tuple(p.name for p in contract.pillars.order_by("position")),
        priorities=tuple(
            PriorityData(p.kind, p.label, p.details, p.source_line)
            for p in contract.priorities.order_by("position")
        ),
        governance_bodies=tuple(b.name for b in contract.governance_bodies.order_by("position")),
        partners=tuple(
            PartnerData(
                p.code,
                p.name,
                p.kind,
                p.parent.code if p.parent else None,
                p.is_grid_column,
                p.source_line,
            )
            for p in contract.partners.exclude(source_document=None).select_related("parent")
        ),
        glossary=tuple(GlossaryData(g.acronym, g.meaning) for g in contract.glossary.all()),
        contributions=tuple(
            ContributionData(c.partner.code, c.title, c.text, c.source_line)
            for c in contract.contributions.select_related("partner").order_by("position")
        ),
        engagements=tuple(
            EngagementData(
                pillar=e.pillar.name,
                theme=e.theme.name if e.theme else None,
                text=e.text,
                roles=sorted_roles(
                    RoleData(r.partner.code, r.service.code if r.service else None, r.role)
                    for r in e.roles.all()
                ),
                line=e.source_line,
                raw_cells=tuple(e.raw_cells),
            )
            for e in engagements
        ),
        warnings=tuple(
            WarningData(
                w.code,
                w.message,
                w.line,
                partner=w.partner.code if w.partner else None,
                engagement=w.engagement.number if w.engagement else None,
            )
            for w in contract.import_warnings.select_related("partner", "engagement")
        ),
    )


def _update(obj, values: dict) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return bool(changed)


def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


class _Sync:
    """Create, update or delete the rows of one relation, keyed by natural keys.

    `provenance` (source document, line, raw cells) is written with new rows and with rows
    whose values change; a row the new document leaves as it was keeps the provenance of the
    document it was first read from, so re-importing writes nothing.
    """

    def __init__(self, queryset, key_fields: tuple[str, ...]):
        self.model = queryset.model
        self.key_fields = key_fields
        self.existing = {tuple(getattr(o, f) for f in key_fields): o for o in queryset}
        self.kept: dict[tuple, object] = {}

    def put(self, provenance: dict, **values):
        key = tuple(values[f] for f in self.key_fields)
        obj = self.existing.pop(key, None)
        if obj is None:
            obj = self.model.objects.create(**values, **provenance)
        elif _differs(obj, values):
            _update(obj, values | provenance)
        self.kept[key] = obj
        return obj

    def delete_stale(self) -> None:
        for obj in self.existing.values():
            obj.delete()


def _contract_fields(data: ContractData, epci: Epci | None) -> dict:
    return {
        "name": data.name,
        "territory": data.territory,
        "epci": epci,
        "signed_on": data.signed_on,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "generation": data.generation,
    }


@transaction.atomic
def sync_imported_content(
    *, contract: Contract | None, slug: str, content: ImportedContent, lines: Sequence[str]
) -> Contract:
    """Make the contract (created when None) hold `content`, touching only what changed.

    `content.source` names the document read (a `SourceDocument` with its `lines`); rows are
    matched by natural keys (partner code, pillar name, engagement number, imported amendment
    by kind and start), and a row left as it was keeps its provenance.
    """
    if contract is not None:
        ensure_not_archived(contract)
    info = content.source
    source, _ = SourceDocument.objects.update_or_create(
        sha256=info.sha256,
        defaults={"name": info.name, "title": info.title, "format": info.format, "lines": lines},
    )
    epci = None
    if content.contract.epci:
        epci, _ = Epci.objects.get_or_create(name=content.contract.epci)
    fields = _contract_fields(content.contract, epci) | {"source_document": source}
    if contract is None:
        contract = Contract.objects.create(slug=slug, **fields)
    else:
        _update(contract, fields)
    if content.contract.territory and not contract.qpvs.exists():
        Qpv.objects.create(contract=contract, name=content.contract.territory)

    def origin(line=None, **more):
        return {"source_document": source, "source_line": line, **more}

    amendments = _Sync(contract.amendments.exclude(source_document=None), ("kind", "starts_on"))
    for a in content.amendments:
        amendments.put(
            origin(a.line),
            contract=contract,
            kind=a.kind,
            title=a.title,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
        )
    amendments.delete_stale()

    partners = _Sync(contract.partners.exclude(source_document=None), ("code",))
    for position, p in enumerate(content.partners):
        partners.put(
            origin(p.line),
            contract=contract,
            code=p.code,
            name=p.name,
            kind=p.kind,
            is_grid_column=p.is_grid_column,
            position=position,
        )
    by_code = {p.code: p for p in contract.partners.select_related("organisation")}
    for p in content.partners:
        _update(by_code[p.code], {"parent": by_code.get(p.parent) if p.parent else None})
    _link_organisations([by_code[p.code] for p in content.partners])

    pillars = _Sync(contract.pillars.all(), ("name",))
    for position, name in enumerate(content.pillars):
        line = next((e.line for e in content.engagements if e.pillar == name), None)
        pillars.put(origin(line), contract=contract, name=name, position=position)
    pillar_of = {p.name: p for p in pillars.kept.values()}
    themes = _Sync(Theme.objects.filter(pillar__contract=contract), ("pillar", "name"))
    for position, (pillar, name) in enumerate(
        dict.fromkeys((e.pillar, e.theme) for e in content.engagements if e.theme)
    ):
        themes.put({}, pillar=pillar_of[pillar], name=name, position=position)
    theme_of = {(t.pillar.name, t.name): t for t in themes.kept.values()}

    engagements = _Sync(contract.engagements.all(), ("number",))
    for number, e in enumerate(content.engagements, start=1):
        engagement = engagements.put(
            origin(e.line, raw_cells=list(e.raw_cells)),
            contract=contract,
            number=number,
            pillar=pillar_of[e.pillar],
            theme=theme_of.get((e.pillar, e.theme)),
            text=e.text,
        )
        roles = _Sync(engagement.roles.all(), ("partner", "service"))
        for r in e.roles:
            roles.put(
                {},
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
            (origin(p.line), {"kind": p.kind, "label": p.label, "details": p.details})
            for p in content.priorities
        ],
        contract,
    )
    _replace_ordered(
        contract.governance_bodies.all(),
        [(origin(), {"name": name}) for name in content.governance_bodies],
        contract,
    )
    glossary = _Sync(contract.glossary.all(), ("acronym",))
    for g in content.glossary:
        glossary.put(origin(), contract=contract, acronym=g.acronym, meaning=g.meaning)
    glossary.delete_stale()
    _replace_ordered(
        contract.contributions.all(),
        [
            (
                origin(c.line),
                {"partner": by_code[c.partner], "title": c.title[:300], "text": c.text},
            )
            for c in content.contributions
        ],
        contract,
    )
    _sync_warnings(contract, source, content.warnings)
    return contract


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


def _replace_ordered(queryset, rows: list[tuple[dict, dict]], contract: Contract) -> None:
    """Sync a list whose identity is its order (priorities, bodies, contributions)."""
    sync = _Sync(queryset, ("position",))
    for position, (provenance, values) in enumerate(rows):
        sync.put(provenance, contract=contract, position=position, **values)
    sync.delete_stale()


def _sync_warnings(contract: Contract, source: SourceDocument, warnings) -> None:
    """Keep the warnings still raised (and whether they were reviewed), add the new ones; each
    names its subject, the contract's partner or engagement it is about (`WarningData`)."""
    partners = {p.code: p.pk for p in contract.partners.only("pk", "code")}
    engagements = {e.number: e.pk for e in contract.engagements.only("pk", "number")}

    def subject(w) -> dict:
        return {
            "partner_id": partners.get(w.partner) if w.partner else None,
            "engagement_id": engagements.get(w.engagement) if w.engagement else None,
        }

    existing = {(w.code, w.message, w.line): w for w in contract.import_warnings.all()}
    reviewed = {(w.code, w.message): w for w in existing.values() if w.reviewed}
    new = []
    for w in dict.fromkeys(warnings):
        kept = existing.pop((w.code, w.message, w.line), None)
        if kept is not None:
            _update(kept, subject(w))
            continue
        earlier = reviewed.get((w.code, w.message))
        new.append(
            ImportWarning(
                contract=contract,
                source_document=source,
                code=w.code,
                message=w.message,
                line=w.line,
                **subject(w),
                reviewed=earlier is not None,
                reviewed_at=earlier.reviewed_at if earlier else None,
                reviewed_by_id=earlier.reviewed_by_id if earlier else None,
            )
        )
    ImportWarning.objects.filter(pk__in=[w.pk for w in existing.values()]).delete()
    ImportWarning.objects.bulk_create(new)


def ensure_not_archived(contract: Contract) -> None:
    """Refuse a write to an archived contract (read from the database, not from `contract`,
    which may be older than the archiving). Every write service on a contract calls it."""
    if Contract.objects.filter(pk=contract.pk, archived_at__isnull=False).exists():
        raise ValidationError(
            f"Le contrat « {contract.name} » est archivé : il est en lecture seule. "
            "Un administrateur de la plateforme peut le désarchiver."
        )


def set_archived(*, contract: Contract, archived: bool) -> None:
    """Archive or unarchive (the access layer checks who and writes the journal)."""
    if archived == contract.is_archived:
        raise ValidationError(
            "Ce contrat est déjà archivé." if archived else "Ce contrat n'est pas archivé."
        )
    _update(contract, {"archived_at": timezone.now() if archived else None})


def publish_contract(*, contract: Contract, published: bool = True) -> None:
    ensure_not_archived(contract)
    _update(contract, {"is_published": published})


def mark_warning_reviewed(*, warning: ImportWarning, by=None) -> bool:
    """A person (`by`) checked the warning, now; the caller journals it (see
    `access.services`). A warning already reviewed keeps its first reviewer: returns False."""
    ensure_not_archived(warning.contract)
    if warning.reviewed:
        return False
    by = by if by is not None and by.is_authenticated else None
    return _update(warning, {"reviewed": True, "reviewed_at": timezone.now(), "reviewed_by": by})


# ------------------------------------------------------------------ corrections by a person
# The imported data corrected inside the product (the access layer checks who may). Each
# function writes only what changed, under `by` in the history, so that sending the same
# form twice writes nothing the second time.

NAME_MAX_LENGTH = Partner._meta.get_field("name").max_length
KIND_RESERVED = (
    "Seul un administrateur de la plateforme donne ou retire la nature d'une institution "
    "publique (État, service de l'État, collectivité, CAF…)."
)


def _save_as(obj, values: dict, by) -> bool:
    """`_update` with `by` recorded as the author of the history record."""
    obj._history_user = by if by is not None and by.is_authenticated else None
    return _update(obj, values)


def organisation_shared(partner: Partner) -> bool:
    """Whether the partner's organisation is also someone else's: a partner of another
    contract, or the État of the platform. Correcting this partner then leaves it alone."""
    organisation = partner.organisation
    if organisation is None:
        return False
    return organisation.is_state or organisation.partnerships.exclude(pk=partner.pk).exists()


def _check_parent(partner: Partner, parent: Partner | None) -> None:
    if parent is None:
        return
    if parent.contract_id != partner.contract_id:
        raise ValidationError({"parent": "Ce partenaire n'appartient pas à ce contrat."})
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == partner.pk:
            raise ValidationError(
                {
                    "parent": "Un partenaire ne peut être rattaché ni à lui-même ni à l'un de "
                    "ses services."
                }
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


@transaction.atomic
def correct_partner(*, partner: Partner, name: str, kind: str, parent: Partner | None, by) -> bool:
    """Correct an imported partner's name, nature and parent; returns whether it changed.

    Its organisation follows (name, nature, parent's organisation) when it is this
    partner's alone; shared with another contract or the État, it is left as it is (its
    members or a platform admin correct it). Public institutions' natures are reserved to
    platform admins (`accounts.permissions.can_set_kind`), for the partner as for its
    organisation.
    """
    ensure_not_archived(partner.contract)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Le nom du partenaire est obligatoire."})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"Le nom du partenaire tient en {NAME_MAX_LENGTH} caractères au plus."}
        )
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": "Nature inconnue."})
    previous = Partner.objects.filter(pk=partner.pk).values_list("kind", flat=True).first()
    if by is not None and not can_set_kind(by, kind, previous):
        raise ValidationError({"kind": KIND_RESERVED})
    _check_parent(partner, parent)
    changed = _save_as(partner, {"name": name, "kind": kind, "parent": parent}, by)
    organisation = partner.organisation
    if organisation is not None and not organisation_shared(partner):
        values = {
            "name": name,
            "kind": kind,
            "parent": parent.organisation if parent is not None else None,
        }
        if any(getattr(organisation, field) != value for field, value in values.items()):
            if accounts_services.kind_error(organisation=organisation, kind=kind, by=by):
                raise ValidationError({"kind": KIND_RESERVED})
            for field, value in values.items():
                setattr(organisation, field, value)
            accounts_services.save_organisation(organisation=organisation, by=by)
    return changed


def _check_role_row(engagement: Engagement, partner: Partner, service, role: str) -> None:
    if partner.contract_id != engagement.contract_id or (
        service is not None and service.contract_id != engagement.contract_id
    ):
        raise ValidationError("Ce partenaire n'appartient pas à ce contrat.")
    if service is not None and service.parent_id != partner.pk:
        raise ValidationError(f"{service.code} n'est pas un service de {partner.code}.")
    if role not in Role.values:
        raise ValidationError(f"Rôle inconnu : {role}.")


@transaction.atomic
def correct_engagement(
    *,
    engagement: Engagement,
    text: str,
    pillar: Pillar,
    theme: Theme | None,
    roles: dict[tuple[Partner, Partner | None], str],
    by,
) -> bool:
    """Correct an engagement's text, pillar and theme and its roles in the grid.

    `roles` maps (partner, State service or None) to a `Role` value: the engagement's roles
    become exactly these (a pair left out loses its role). Returns whether anything changed.
    """
    ensure_not_archived(engagement.contract)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Le texte de l'engagement est obligatoire."})
    if pillar.contract_id != engagement.contract_id:
        raise ValidationError({"pillar": "Ce pilier n'appartient pas à ce contrat."})
    if theme is not None and theme.pillar_id != pillar.pk:
        raise ValidationError({"theme": f"Ce thème n'appartient pas au pilier « {pillar} »."})
    for (partner, service), role in roles.items():
        _check_role_row(engagement, partner, service, role)
    changed = _save_as(engagement, {"text": text, "pillar": pillar, "theme": theme}, by)
    existing = {(r.partner_id, r.service_id): r for r in engagement.roles.all()}
    for (partner, service), role in roles.items():
        row = existing.pop((partner.pk, service.pk if service else None), None)
        if row is None:
            row = EngagementRole(engagement=engagement, partner=partner, service=service)
            row._history_user = by if by is not None and by.is_authenticated else None
            row.role = role
            row.save()
            changed = True
        else:
            changed |= _save_as(row, {"role": role}, by)
    for row in existing.values():
        row._history_user = by if by is not None and by.is_authenticated else None
        row.delete()
        changed = True
    return changed
