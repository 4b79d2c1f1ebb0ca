"""Business operations on the conseil citoyen; views, admin and commands call these.

Every write checks the person acting (`by=None`: the platform itself, e.g. the demo), refuses
an archived contract and is journalled. Journal summaries never name a member or a
volunteer: an erasure would otherwise leave their name in the journal.
"""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quartiers.access.permissions import contract_organisations
from quartiers.access.services import record_event
from quartiers.contracts.services import ensure_not_archived
from quartiers.participation import draws, permissions
from quartiers.participation.enums import College, Gender
from quartiers.participation.models import (
    ERASED_NAME,
    ERASED_VOLUNTEER,
    CitizenCouncil,
    CouncilMember,
    Draw,
    DrawEntry,
    Volunteer,
    VolunteerList,
)

# The text a member consents to, by version; a new wording is a new version, the members'
# consent records keep the version they agreed to.
CONSENT_VERSION = "2026-1"
CONSENT_TEXTS = {
    "2026-1": (
        "J'accepte que mes nom, prénom, adresse électronique, genre et dates de mandat soient "
        "enregistrés par le chef de projet du contrat de ville pour le fonctionnement du "
        "conseil citoyen. Ils ne sont jamais publiés. Quand je quitte le conseil, je peux "
        "demander leur effacement : les avis et décisions auxquels j'ai pris part restent, "
        "sans mon nom."
    ),
}

MEMBER_FIELDS = (
    "college",
    "first_name",
    "last_name",
    "email",
    "gender",
    "represents",
    "term_starts_on",
    "term_ends_on",
    "user",
)


def _check_manager(contract, by):
    ensure_not_archived(contract)
    if by is not None and not permissions.can_manage_citizen_council(by, contract):
        raise ValidationError("Seul le chef de projet du contrat gère le conseil citoyen.")


def _journal(contract, by, verb, summary, **data):
    record_event(contract=contract, actor=by, verb=verb, summary=summary, data=data)


# --------------------------------------------------------------------------- council


@transaction.atomic
def save_council(
    *,
    contract,
    by,
    name: str,
    created_on=None,
    carrying_organisation=None,
    carrying_structure_name: str = "",
) -> CitizenCouncil:
    """Create or update the contract's conseil citoyen. The carrying structure is one of the
    contract's organisations, or a name when it is not on the platform (not both)."""
    _check_manager(contract, by)
    name = draws.normalise(name)
    if not name:
        raise ValidationError({"name": "Donnez un nom au conseil citoyen."})
    carrying_structure_name = draws.normalise(carrying_structure_name)
    if carrying_organisation is not None:
        if carrying_structure_name:
            raise ValidationError(
                {
                    "carrying_structure_name": (
                        "Choisissez l'organisation ou écrivez un nom, pas les deux."
                    )
                }
            )
        if not contract_organisations(contract).filter(pk=carrying_organisation.pk).exists():
            raise ValidationError(
                {
                    "carrying_organisation": (
                        f"« {carrying_organisation} » ne participe pas à ce contrat."
                    )
                }
            )
    council = CitizenCouncil.objects.select_for_update().filter(contract=contract).first()
    created = council is None
    council = council or CitizenCouncil(contract=contract)
    council.name = name
    council.created_on = created_on
    council.carrying_organisation = carrying_organisation
    council.carrying_structure_name = carrying_structure_name
    council._history_user = by
    council.save()
    _journal(
        contract,
        by,
        "council_created" if created else "council_updated",
        f"Conseil citoyen {'créé' if created else 'modifié'} : {council.name}",
        council=council.pk,
    )
    return council


# --------------------------------------------------------------------------- members


def _check_member(*, council, college, gender, email, user, term_starts_on, term_ends_on):
    errors = {}
    if college not in College.values:
        errors["college"] = "Collège inconnu."
    if gender not in Gender.values:
        errors["gender"] = "Genre attendu : femme ou homme."
    if term_ends_on is not None and term_starts_on is not None and term_ends_on < term_starts_on:
        errors["term_ends_on"] = "La fin du mandat précède son début."
    if email:
        others = CouncilMember.objects.filter(council=council, email__iexact=email)
        if others.exists():
            errors["email"] = "Un membre de ce conseil a déjà cette adresse."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_member(
    *,
    council,
    by,
    college,
    last_name,
    gender,
    term_starts_on,
    first_name="",
    email="",
    represents="",
    term_ends_on=None,
    user=None,
    consent_given=False,
    volunteer=None,
) -> CouncilMember:
    """Add a member; `consent_given` records the consent to the current text
    (`CONSENT_VERSION`) now."""
    contract = council.contract
    _check_manager(contract, by)
    email = (email or "").strip().lower()
    _check_member(
        council=council,
        college=college,
        gender=gender,
        email=email,
        user=user,
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
    )
    if volunteer is not None:
        if volunteer.volunteer_list.contract_id != contract.pk or volunteer.erased_at:
            raise ValidationError("Ce volontaire n'est pas sur une liste de ce contrat.")
        if CouncilMember.objects.filter(volunteer=volunteer).exists():
            raise ValidationError("Ce volontaire est déjà inscrit au conseil citoyen.")
    member = CouncilMember(
        contract=contract,
        council=council,
        college=college,
        first_name=draws.normalise(first_name),
        last_name=draws.normalise(last_name),
        email=email,
        gender=gender,
        represents=draws.normalise(represents),
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
        user=user,
        volunteer=volunteer,
    )
    if not member.last_name:
        raise ValidationError({"last_name": "Le nom manque."})
    if consent_given:
        member.consent_given_at = timezone.now()
        member.consent_version = CONSENT_VERSION
    member._history_user = by
    member.save()
    _journal(
        contract,
        by,
        "council_member_added",
        f"Membre ajouté au conseil citoyen ({member.get_college_display()})",
        member=member.pk,
    )
    return member


@transaction.atomic
def update_member(*, member, by, consent_given=None, **fields) -> CouncilMember:
    """Change a member's data (`MEMBER_FIELDS`); `consent_given=True` records a consent not
    yet recorded. An erased member is not edited."""
    member = CouncilMember.objects.select_for_update().get(pk=member.pk)
    _check_manager(member.contract, by)
    if member.is_erased:
        raise ValidationError("Les données de ce membre ont été effacées : rien à modifier.")
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown member fields: {sorted(unknown)}")
    email = fields.get("email", member.email)
    email = (email or "").strip().lower()
    _check_member(
        council=member.council,
        college=fields.get("college", member.college),
        gender=fields.get("gender", member.gender),
        email=email if email != member.email else "",
        user=fields.get("user", member.user),
        term_starts_on=fields.get("term_starts_on", member.term_starts_on),
        term_ends_on=fields.get("term_ends_on", member.term_ends_on),
    )
    for field, value in fields.items():
        if field in ("first_name", "last_name", "represents"):
            value = draws.normalise(value)
        setattr(member, field, value)
    member.email = email
    if not member.last_name:
        raise ValidationError({"last_name": "Le nom manque."})
    if consent_given and member.consent_given_at is None:
        member.consent_given_at = timezone.now()
        member.consent_version = CONSENT_VERSION
    member._history_user = by
    member.save()
    _journal(
        member.contract,
        by,
        "council_member_updated",
        "Membre du conseil citoyen modifié",
        member=member.pk,
    )
    return member


@transaction.atomic
def record_departure(*, member, by, left_on) -> CouncilMember:
    """The member left the council on `left_on` (their term ends then at the latest)."""
    member = CouncilMember.objects.select_for_update().get(pk=member.pk)
    _check_manager(member.contract, by)
    if member.left_on is not None:
        raise ValidationError("Ce membre a déjà quitté le conseil.")
    if left_on < member.term_starts_on:
        raise ValidationError({"left_on": "Le départ précède le début du mandat."})
    member.left_on = left_on
    if member.term_ends_on is None or member.term_ends_on > left_on:
        member.term_ends_on = left_on
    member._history_user = by
    member.save()
    _journal(
        member.contract,
        by,
        "council_member_left",
        f"Départ d'un membre du conseil citoyen le {left_on:%d/%m/%Y}",
        member=member.pk,
    )
    return member


@transaction.atomic
def erase_member(*, member, by) -> CouncilMember:
    """Erase a member's personal data: the row stays as « Membre retiré·e » (college, term and
    dates kept, so opinions and decisions keep their author), the names, e-mail, what they
    represent and the account link are blanked in the row and in every history row, and the
    volunteer they were drawn as is erased too. The gender stays: without a name it tells
    no one apart, and the council's past parity still counts it. A member still sitting
    leaves today."""
    member = CouncilMember.objects.select_for_update().get(pk=member.pk)
    _check_manager(member.contract, by)
    if member.is_erased:
        raise ValidationError("Les données de ce membre sont déjà effacées.")
    now = timezone.now()
    today = timezone.localdate()
    erased = {"first_name": "", "last_name": ERASED_NAME, "email": "", "represents": ""}
    for field, value in erased.items():
        setattr(member, field, value)
    member.user = None
    if member.left_on is None:
        member.left_on = max(today, member.term_starts_on)
        if member.term_ends_on is None or member.term_ends_on > member.left_on:
            member.term_ends_on = member.left_on
    member.erased_at = now
    member._history_user = by
    member.save()
    # django-simple-history keeps every former state: blank them too (the erasure is real).
    member.history.model.objects.filter(id=member.pk).update(**erased, user=None)
    if member.volunteer_id:
        _erase_volunteer(member.volunteer, now)
    _journal(
        member.contract,
        by,
        "council_member_erased",
        "Données personnelles d'un membre du conseil citoyen effacées",
        member=member.pk,
    )
    return member


def _erase_volunteer(volunteer, now):
    """The volunteer's name and e-mail go, and their keys in the draws (a SHA-256 of a public
    seed and a name confirms a guessed name): their rank and seat stay."""
    Volunteer.objects.filter(pk=volunteer.pk).update(
        display_name=ERASED_VOLUNTEER, email="", erased_at=now
    )
    DrawEntry.objects.filter(volunteer=volunteer).update(key="")


# --------------------------------------------------------------------------- volunteers


@transaction.atomic
def record_volunteer_list(*, contract, by, name, rows, source) -> VolunteerList:
    """Record a list of volunteers (`rows`: `volunteers.VolunteerRow`, already checked) and
    its fingerprint. A list is frozen: to change it, record another one."""
    _check_manager(contract, by)
    name = draws.normalise(name)
    if not name:
        raise ValidationError({"name": "Donnez un nom à la liste."})
    if not rows:
        raise ValidationError("La liste ne contient aucun volontaire.")
    volunteer_list = VolunteerList.objects.create(
        contract=contract,
        name=name,
        source=source[:200],
        fingerprint=draws.fingerprint((r.gender, r.display_name) for r in rows),
        created_by=by if by is not None and by.is_authenticated else None,
    )
    Volunteer.objects.bulk_create(
        Volunteer(
            volunteer_list=volunteer_list,
            position=position,
            display_name=row.display_name,
            gender=row.gender,
            email=row.email,
        )
        for position, row in enumerate(rows, start=1)
    )
    women = sum(r.gender == Gender.WOMAN for r in rows)
    _journal(
        contract,
        by,
        "volunteer_list_recorded",
        f"Liste de volontaires enregistrée : {name} ({women} femme(s), "
        f"{len(rows) - women} homme(s))",
        volunteer_list=volunteer_list.pk,
        fingerprint=volunteer_list.fingerprint,
    )
    return volunteer_list


def generate_seed() -> str:
    """A seed to announce before the draw when none was chosen: 4 groups of 4 letters and
    digits from the system's cryptographic generator (no 0/O, 1/I/L to misread)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def _pairs(volunteer_list):
    return [(v.gender, v.display_name) for v in volunteer_list.volunteers.all()]


@transaction.atomic
def draw_by_lot(*, volunteer_list, seats: int, seed: str, by) -> Draw:
    """Draw `seats` residents from `volunteer_list` with `seed`, half women and half men
    (`draws.rank`), and record the seed, the list's fingerprint, the algorithm and every
    volunteer's rank. Refuses, in French, an odd number of seats and a list that cannot give
    parity."""
    contract = volunteer_list.contract
    _check_manager(contract, by)
    volunteer_list = VolunteerList.objects.select_for_update().get(pk=volunteer_list.pk)
    volunteers = list(volunteer_list.volunteers.all())
    if any(v.erased_at for v in volunteers):
        raise ValidationError(
            "Des données de cette liste ont été effacées : enregistrez une nouvelle liste."
        )
    pairs = [(v.gender, v.display_name) for v in volunteers]
    if draws.fingerprint(pairs) != volunteer_list.fingerprint:
        raise ValidationError("La liste a changé depuis son enregistrement : tirage refusé.")
    seed = draws.normalise_seed(seed)
    if len(seed) > 200:
        raise ValidationError({"seed": "La graine fait au plus 200 caractères."})
    ranking = draws.rank(pairs, seed=seed, seats=seats)
    draw = Draw.objects.create(
        contract=contract,
        volunteer_list=volunteer_list,
        seats=seats,
        seed=seed,
        algorithm=draws.ALGORITHM,
        list_fingerprint=volunteer_list.fingerprint,
        women_on_list=sum(g == Gender.WOMAN for g, _ in pairs),
        men_on_list=sum(g == Gender.MAN for g, _ in pairs),
        drawn_by=by if by is not None and by.is_authenticated else None,
    )
    by_line = {(v.gender, draws.normalise(v.display_name)): v for v in volunteers}
    DrawEntry.objects.bulk_create(
        DrawEntry(
            draw=draw,
            volunteer=by_line[(r.gender, r.name)],
            gender=r.gender,
            rank=r.rank,
            key=r.key,
            seated=r.seated,
        )
        for r in ranking
    )
    _journal(
        contract,
        by,
        "draw_recorded",
        f"Tirage au sort de {seats} sièges ({seats // 2} femmes, {seats // 2} hommes), "
        f"graine « {seed} »",
        draw=str(draw.uuid),
        fingerprint=draw.list_fingerprint,
    )
    return draw


@dataclass(frozen=True)
class Replay:
    """What re-running a recorded draw gave. With volunteers erased since (`erased`), the
    list's fingerprint cannot be recomputed (`fingerprint_matches` is None): what is checked
    is every remaining volunteer's key and the ranking; the erased ones' places are checked
    only with the original list, against the recorded fingerprint."""

    fingerprint: str  # of the list as stored now
    fingerprint_matches: bool | None
    result_matches: bool
    problems: tuple[str, ...]
    erased: int = 0

    @property
    def ok(self) -> bool:
        return self.fingerprint_matches is not False and self.result_matches and not self.problems


def replay_draw(draw) -> Replay:
    """Re-run `draw` from its recorded seed and its list as stored now, and compare with the
    recorded fingerprint and ranking."""
    volunteers = list(draw.volunteer_list.volunteers.all())
    pairs = [(v.gender, v.display_name) for v in volunteers if not v.erased_at]
    current = draws.fingerprint(pairs)
    erased = sum(bool(v.erased_at) for v in volunteers)
    if draw.algorithm != draws.ALGORITHM:
        return Replay(current, None, False, (f"Algorithme inconnu : {draw.algorithm}.",), erased)
    if erased:
        return _replay_with_erasures(draw, current, erased)
    problems = []
    fingerprint_matches = current == draw.list_fingerprint
    if not fingerprint_matches:
        problems.append("L'empreinte de la liste ne correspond plus à celle du tirage.")
    try:
        ranking = draws.rank(pairs, seed=draw.seed, seats=draw.seats)
    except ValidationError as error:
        return Replay(current, fingerprint_matches, False, (*problems, *error.messages))
    recorded = [
        (e.gender, e.rank, e.seated, draws.normalise(e.volunteer.display_name))
        for e in draw.entries.select_related("volunteer").order_by("gender", "rank")
    ]
    replayed = sorted((r.gender, r.rank, r.seated, r.name) for r in ranking)
    result_matches = recorded == replayed
    if not result_matches:
        problems.append("Le tirage rejoué ne donne pas le résultat enregistré.")
    return Replay(current, fingerprint_matches, result_matches, tuple(problems))


def _replay_with_erasures(draw, current, erased) -> Replay:
    """Each remaining volunteer's key recomputed from the seed; within each gender the
    remaining volunteers' ranks follow their keys, and the seats go to the first N/2 ranks."""
    half = draw.seats // 2
    entries = list(draw.entries.select_related("volunteer").order_by("gender", "rank"))
    result_matches = all(e.seated == (e.rank <= half) for e in entries)
    for gender in Gender:
        kept = [e for e in entries if e.gender == gender and not e.volunteer.erased_at]
        for entry in kept:
            if entry.key != draws.key(draw.seed, gender, entry.volunteer.display_name):
                result_matches = False
        if [e.key for e in kept] != sorted(e.key for e in kept):
            result_matches = False
    problems = [] if result_matches else ["Le tirage rejoué ne donne pas le résultat enregistré."]
    return Replay(current, None, result_matches, tuple(problems), erased)
