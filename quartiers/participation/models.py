"""The conseil citoyen of a contract, its members, volunteer lists and draws by lot."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from quartiers.accounts.models import Organisation
from quartiers.contracts.models import Contract
from quartiers.participation.enums import College, Gender

# What an erased member's name reads; the row stays so that what they took part in stays.
ERASED_NAME = "Membre retiré·e"
ERASED_VOLUNTEER = "Volontaire retiré·e"


class CitizenCouncil(models.Model):
    """One conseil citoyen per contract (the law: one per quartier prioritaire; the contracts
    we serve have one for their quartiers)."""

    contract = models.OneToOneField(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="citizen_council",
    )
    name = models.CharField("nom", max_length=200)
    created_on = models.DateField("créé le", null=True, blank=True)
    # The structure porteuse: a legal person the préfet recognises (article 7), an
    # organisation of the platform when it has one, else its name as written.
    carrying_organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure porteuse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_councils",
    )
    carrying_structure_name = models.CharField(
        "structure porteuse (nom, si elle n'est pas sur la plateforme)",
        max_length=200,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "conseil citoyen"
        verbose_name_plural = "conseils citoyens"

    def __str__(self):
        return self.name

    @property
    def carrying_structure(self) -> str:
        if self.carrying_organisation_id:
            return str(self.carrying_organisation)
        return self.carrying_structure_name


class CouncilMemberQuerySet(models.QuerySet):
    def for_contract(self, contract):
        return self.filter(contract=contract)

    def current(self):
        return self.filter(left_on__isnull=True)

    def former(self):
        return self.filter(left_on__isnull=False)


class CouncilMember(models.Model):
    """A member of the conseil citoyen. A member who leaves may have their personal data
    erased (`services.erase_member`): the row stays, named « Membre retiré·e », so that the
    opinions and decisions they took part in keep their author."""

    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="council_members",
    )
    council = models.ForeignKey(
        CitizenCouncil,
        verbose_name="conseil citoyen",
        on_delete=models.CASCADE,
        related_name="members",
    )
    college = models.CharField("collège", max_length=20, choices=College)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse électronique", blank=True)
    gender = models.CharField("genre (pour la parité)", max_length=10, choices=Gender)
    # A local actor sits for an association or structure.
    represents = models.CharField(
        "représente (association, acteur local)", max_length=200, blank=True
    )
    term_starts_on = models.DateField("début du mandat")
    term_ends_on = models.DateField("fin du mandat", null=True, blank=True)
    consent_given_at = models.DateTimeField(
        "consentement au traitement des données recueilli le", null=True, blank=True
    )
    consent_version = models.CharField(
        "version du texte de consentement", max_length=20, blank=True
    )
    left_on = models.DateField("a quitté le conseil le", null=True, blank=True)
    erased_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)
    # A platform account (the `citizen_council` role gives access to the contract): distinct
    # from membership, linkable.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte sur la plateforme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_memberships",
    )
    # The resident drawn by lot this member was (erasing the member erases the volunteer).
    volunteer = models.ForeignKey(
        "Volunteer",
        verbose_name="volontaire tiré·e au sort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    history = HistoricalRecords()

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "membre du conseil citoyen"
        verbose_name_plural = "membres du conseil citoyen"
        ordering = ["college", "last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_ends_on__isnull=True)
                | models.Q(term_ends_on__gte=models.F("term_starts_on")),
                name="member_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class VolunteerList(models.Model):
    """Residents who volunteered for the draw, frozen when recorded: its fingerprint is the
    SHA-256 of its canonical text (`draws.canonical_text`). To change a list, record a new
    one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="volunteer_lists",
    )
    name = models.CharField("nom de la liste", max_length=200)
    source = models.CharField("origine", max_length=200)
    fingerprint = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "liste de volontaires"
        verbose_name_plural = "listes de volontaires"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    """A resident on a volunteer list: the name as it enters the draw, the declared gender
    (for parity) and, optionally, how to reach them."""

    volunteer_list = models.ForeignKey(
        VolunteerList,
        verbose_name="liste",
        on_delete=models.CASCADE,
        related_name="volunteers",
    )
    position = models.PositiveIntegerField("ligne")
    display_name = models.CharField("nom", max_length=200)
    gender = models.CharField("genre (pour la parité)", max_length=10, choices=Gender)
    email = models.EmailField("adresse électronique", blank=True)
    erased_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)

    class Meta:
        verbose_name = "volontaire"
        verbose_name_plural = "volontaires"
        ordering = ["volunteer_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer_list", "position"], name="one_volunteer_per_line"
            ),
        ]

    def __str__(self):
        return self.display_name


class Draw(models.Model):
    """A draw by lot from a volunteer list: its seed, the list's fingerprint at the time and
    the algorithm's version are recorded, so that anyone may re-run it (`draws.rank`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="draws",
    )
    volunteer_list = models.ForeignKey(
        VolunteerList,
        verbose_name="liste de volontaires",
        on_delete=models.PROTECT,
        related_name="draws",
    )
    seats = models.PositiveIntegerField("sièges à pourvoir")
    seed = models.CharField("graine (publiée)", max_length=200)
    algorithm = models.CharField("algorithme", max_length=40)
    list_fingerprint = models.CharField("empreinte de la liste", max_length=64)
    women_on_list = models.PositiveIntegerField("femmes sur la liste")
    men_on_list = models.PositiveIntegerField("hommes sur la liste")
    drawn_at = models.DateTimeField("tiré le", auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tiré par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "tirage au sort"
        verbose_name_plural = "tirages au sort"
        ordering = ["-drawn_at", "-pk"]

    def __str__(self):
        return f"Tirage au sort du {self.drawn_at:%d/%m/%Y}"

    def get_public_url(self):
        from django.urls import reverse

        return reverse("participation:draw-public", kwargs={"uuid": self.uuid})


class DrawEntry(models.Model):
    """One volunteer's place in a draw: their rank among the volunteers of their gender and
    whether it gave them a seat (the others, in order, are the liste complémentaire)."""

    draw = models.ForeignKey(
        Draw, verbose_name="tirage", on_delete=models.CASCADE, related_name="entries"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name="volontaire", on_delete=models.PROTECT, related_name="entries"
    )
    gender = models.CharField("genre", max_length=10, choices=Gender)
    rank = models.PositiveIntegerField("rang parmi son genre")
    key = models.CharField("clé de tri (SHA-256)", max_length=64)
    seated = models.BooleanField("tiré·e au sort pour un siège")

    class Meta:
        verbose_name = "rang au tirage"
        verbose_name_plural = "rangs au tirage"
        ordering = ["draw", "-seated", "rank", "gender"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "volunteer"], name="one_entry_per_volunteer"),
            models.UniqueConstraint(fields=["draw", "gender", "rank"], name="one_rank_per_gender"),
        ]

    def __str__(self):
        return f"{self.get_gender_display()} n° {self.rank}"
