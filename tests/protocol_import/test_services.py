"""Import service: what the seed gives, idempotency, and changed documents."""

import pytest
from django.core.exceptions import ValidationError

from quartiers.contracts.models import (
    Contract,
    Engagement,
    EngagementRole,
    ImportWarning,
    Partner,
)
from quartiers.contracts.services import effective_end
from quartiers.protocol_import import services
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


def _import(data: bytes, *, apply=True, name=SEED.name):
    run = services.apply_import if apply else services.preview_import
    return run(name=name, data=data)


def test_seed_gives_the_contract_as_data(loriol):
    assert loriol.slug == "coeur-de-loriol"
    assert loriol.territory == "Cœur de Loriol"
    assert loriol.epci.name == "Communauté de Communes du Val de Drôme"
    assert loriol.signed_on.isoformat() == "2015-07-01"
    assert effective_end(loriol).isoformat() == "2022-12-31"
    assert loriol.ends_on.isoformat() == "2020-12-31"  # before the prolongation
    assert [p.name for p in loriol.pillars.all()] == [
        "Développement de l'économie et de l'emploi",
        "Cohésion sociale",
        "Cadre de vie et renouvellement urbain",
    ]
    counts = {p.name: p.engagements.count() for p in loriol.pillars.all()}
    assert list(counts.values()) == [4, 10, 3]
    themes = {t: Engagement.objects.filter(theme__name=t).count() for t in ("Culture", "Santé")}
    assert themes == {"Culture": 4, "Santé": 3}
    assert Engagement.objects.filter(theme__name="Tranquillité publique").count() == 1
    assert loriol.glossary.count() == 9
    assert loriol.priorities.filter(kind="thematic").count() == 3
    assert loriol.priorities.filter(kind="transversal").count() == 3
    assert {b.name for b in loriol.governance_bodies.all()} >= {
        "Comité de pilotage",
        "Comité technique",
    }


def test_seed_roles_marks_and_services(loriol):
    roles = EngagementRole.objects.filter(engagement__contract=loriol)
    services_used = set(roles.exclude(service=None).values_list("service__code", flat=True))
    assert services_used == {"ARS", "DRAC", "EN"}
    for code in services_used:
        service = Partner.objects.get(contract=loriol, code=code)
        assert service.parent.code == "ETAT"
    # X is lead, x is associate: the Pôle emploi row has three lowercase marks.
    row = Engagement.objects.get(contract=loriol, source_line=103)
    by_partner = {r.partner.code: r.role for r in row.roles.all()}
    assert by_partner == {
        "ETAT": "associate",
        "VILLE": "associate",
        "CCVD": "associate",
        "PE": "unspecified",
        "MILO": "unspecified",
    }
    assert not Partner.objects.filter(contract=loriol, code="E").exists()


def test_seed_warnings_are_stored_for_review(loriol):
    codes = set(ImportWarning.objects.filter(contract=loriol).values_list("code", flat=True))
    assert "name_mismatch" in codes
    message = ImportWarning.objects.filter(code="name_mismatch").first().message
    assert "Lorient" in message and "Loriol" in message


def test_import_is_idempotent(loriol, seed_bytes):
    history = Engagement.history.count()
    report = _import(seed_bytes)
    assert report.changes == ()
    assert report.up_to_date
    assert report.applied is False
    assert Engagement.history.count() == history
    assert Contract.objects.count() == 1


def test_dry_run_writes_nothing(db, seed_bytes):
    report = _import(seed_bytes, apply=False)
    assert [str(c) for c in report.changes] == ["+ contrat : Contrat de ville « Cœur de Loriol »"]
    assert Contract.objects.count() == 0


def test_changed_document_shows_and_applies_changes(loriol, seed_bytes):
    lines = seed_bytes.decode().split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith("Poursuivre la gestion"))
    cells = lines[target].split("\t")
    cells[1] = "x"  # the État becomes an associate partner
    lines[target] = "\t".join(cells)
    changed = "\n".join(lines).encode()
    engagement = Engagement.objects.get(contract=loriol, source_line=target + 1)

    dry = _import(changed, apply=False)
    assert [str(c) for c in dry.changes] == [
        f"engagement {engagement.number}, rôle ETAT : chef de file → partenaire associé"
    ]
    assert EngagementRole.objects.get(engagement=engagement, partner__code="ETAT").role == "lead"

    applied = _import(changed)
    assert applied.applied
    role = EngagementRole.objects.get(engagement=engagement, partner__code="ETAT")
    assert role.role == "associate"
    assert role.history.first().history_type == "~"
    assert _import(changed).changes == ()


def test_applied_warnings_name_their_partner_or_engagement(loriol, seed_bytes):
    lines = seed_bytes.decode().split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith("Poursuivre la gestion"))
    cells = lines[target].split("\t")
    cells[1] = "?!"  # a mark the grid does not know
    lines[target] = "\t".join(cells)
    lines.append("Ajout final.")
    _import("\n".join(lines).encode())
    engagement = Engagement.objects.get(contract=loriol, source_line=target + 1)
    mark = ImportWarning.objects.get(contract=loriol, code="mark_unrecognised")
    assert (mark.engagement, mark.partner) == (engagement, None)
    unknown = ImportWarning.objects.filter(contract=loriol, code="unknown_acronym")
    assert {w.partner.code for w in unknown} == {"SIEA", "PLURALIS"}
    assert all(w.partner.contract == loriol and w.partner.code in w.message for w in unknown)
    about_rows = ImportWarning.objects.filter(contract=loriol).exclude(engagement=None)
    assert {w.code for w in about_rows} == {"mark_unrecognised", "row_realigned", "fragment_joined"}
    assert all(w.engagement.source_line == w.line for w in about_rows)
    assert not ImportWarning.objects.filter(contract=loriol, code="name_mismatch").exclude(
        partner=None, engagement=None
    )


def test_removed_row_is_reported_and_deleted(loriol, seed_bytes):
    lines = seed_bytes.decode().split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("<p>Porter une attention"))
    del lines[last]
    report = _import("\n".join(lines).encode())
    assert any(str(c).startswith("- engagement 17 : « Porter") for c in report.changes)
    assert loriol.engagements.count() == 16


def test_reviewed_warnings_stay_reviewed(loriol, seed_bytes):
    ImportWarning.objects.filter(code="name_mismatch").update(reviewed=True)
    lines = seed_bytes.decode().split("\n")
    lines.append("Ajout final.")
    _import("\n".join(lines).encode())
    assert ImportWarning.objects.filter(code="name_mismatch", reviewed=False).count() == 0
    assert ImportWarning.objects.filter(code="name_mismatch", reviewed=True).exists()


def test_nothing_importable_is_refused(db):
    with pytest.raises(ValidationError, match="Rien d'importable"):
        _import(b"juste une phrase sans tableau.", name="vide.txt")


def test_organisations_calling_themselves_the_state_do_not_break_imports(db, seed_bytes):
    """The audit: a carrier set its association's nature to « État »; every later import was
    a 500 (two organisations of that nature). The État is found by its flag."""
    from quartiers.accounts.models import Organisation
    from quartiers.core.enums import OrganisationKind

    impostors = [
        Organisation.objects.create(name=name, kind=OrganisationKind.STATE)
        for name in ("Association des habitants", "État")
    ]
    state = _import(seed_bytes).contract.partners.get(code="ETAT").organisation
    assert state.is_state and state not in impostors
    assert Organisation.objects.filter(is_state=True).get() == state
