"""The bodies of a contract's governance and who sits in them (docs/architecture.md,
Governance)."""

import uuid

from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from simple_history.models import HistoricalRecords

from quartiers.contracts.models import Contract, Engagement, GovernanceBody, Partner
from quartiers.governance.enums import (
    BodyKind,
    DecisionKind,
    MeetingStatus,
    MemberRole,
    MinutesStatus,
    Presence,
)


class Body(models.Model):
    """A body that meets: comité de pilotage, comité technique, atelier thématique, the
    conseil citoyen, the FPH committee…"""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="bodies"
    )
    kind = models.CharField("nature", max_length=30, choices=BodyKind)
    name = models.CharField("nom", max_length=200)
    code = models.SlugField(
        "code",
        max_length=20,
        allow_unicode=False,
        help_text="Préfixe des numéros de décision, par exemple COPIL.",
    )
    position = models.PositiveIntegerField("ordre", default=0)
    # The body of the imported document it was created from; kept when a re-import no longer
    # names it (meetings and members are not the document's to delete).
    imported_from = models.ForeignKey(
        GovernanceBody,
        verbose_name="instance du document importé",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "instance"
        verbose_name_plural = "instances"
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="one_body_code"),
            models.UniqueConstraint(fields=["contract", "name"], name="one_body_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:body-detail", args=[self.contract.slug, self.code])


class Membership(models.Model):
    """An institution (a partner of the contract) sitting in a body."""

    body = models.ForeignKey(
        Body, verbose_name="instance", on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.RESTRICT, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=MemberRole, default=MemberRole.MEMBER)
    voting = models.BooleanField("voix délibérative", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "membre d'une instance"
        verbose_name_plural = "membres des instances"
        ordering = ["role", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "partner"], name="one_membership"),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()}) — {self.body}"


class BodyPerson(models.Model):
    """A person sitting in a body in their own name (a personne qualifiée, a conseil citoyen's
    delegate…), not through an institution. Their name and address are personal data: shown
    only to the contract's people, kept without history, deleted when they leave."""

    body = models.ForeignKey(
        Body, verbose_name="instance", on_delete=models.CASCADE, related_name="persons"
    )
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("adresse électronique (pour la convocation)", blank=True)
    quality = models.CharField(
        "qualité", max_length=200, blank=True, help_text="Par exemple : personne qualifiée."
    )
    role = models.CharField("rôle", max_length=20, choices=MemberRole, default=MemberRole.MEMBER)
    voting = models.BooleanField("voix délibérative", default=True)
    added_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "personne membre d'une instance"
        verbose_name_plural = "personnes membres des instances"
        ordering = ["role", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()}) — {self.body}"


class Meeting(models.Model):
    """A meeting of a body: when, where, what it discusses."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="meetings"
    )
    body = models.ForeignKey(
        Body, verbose_name="instance", on_delete=models.RESTRICT, related_name="meetings"
    )
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField("date")
    start_time = models.TimeField("heure de début", null=True, blank=True)
    end_time = models.TimeField("heure de fin", null=True, blank=True)
    place = models.CharField("lieu", max_length=300, blank=True)
    video_url = models.URLField("lien de visioconférence", blank=True)
    status = models.CharField(
        "état", max_length=20, choices=MeetingStatus, default=MeetingStatus.PLANNED
    )
    # The iCalendar SEQUENCE: raised by every change of date, time or place, so that a
    # calendar that holds the invitation replaces it.
    sequence = models.PositiveIntegerField("révision", default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(start_time__isnull=False, end_time__gt=models.F("start_time")),
                name="meeting_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.body.name} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", args=[self.uuid])


class AgendaEntry(models.Model):
    """One point of a meeting's agenda: free text, or an engagement of the contract."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="entries"
    )
    position = models.PositiveIntegerField("ordre", default=0)
    title = models.CharField("point", max_length=300)
    engagement = models.ForeignKey(
        Engagement,
        verbose_name="engagement",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="agenda_entries",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """An entry of the contract's register of decisions: numbered per body and year
    (« COPIL-2026-014 », `numbering.decision_number`), tied to the meeting that took it and to
    what it decides. Funding decisions are written by the programming when its comité de
    pilotage rules (`programming.Decision.register_entry`), never typed twice."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="decisions"
    )
    body = models.ForeignKey(
        Body, verbose_name="instance", on_delete=models.RESTRICT, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name="réunion", on_delete=models.RESTRICT, related_name="decisions"
    )
    year = models.PositiveSmallIntegerField("année")
    sequence = models.PositiveIntegerField("rang dans l'année")
    number = models.CharField("numéro", max_length=40)
    decided_on = models.DateField("date")
    kind = models.CharField("objet", max_length=20, choices=DecisionKind, default=DecisionKind.FREE)
    title = models.CharField("intitulé", max_length=300)
    text = models.TextField("texte de la décision", blank=True)
    engagement = models.ForeignKey(
        Engagement,
        verbose_name="engagement concerné",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="decisions",
    )
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "décision du registre"
        verbose_name_plural = "registre des décisions"
        ordering = ["-decided_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "sequence"], name="one_decision_number"
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.title}"


class Attendance(models.Model):
    """An institution convened to a meeting, and whether it came (recorded after it)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="attendances"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="institution", on_delete=models.RESTRICT, related_name="+"
    )
    convened_at = models.DateTimeField("convoquée le")
    presence = models.CharField("présence", max_length=20, choices=Presence, blank=True)
    represented_by = models.CharField("représentée par", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "présence à une réunion"
        verbose_name_plural = "présences aux réunions"
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "partner"], name="one_attendance"),
        ]

    def __str__(self):
        return f"{self.partner} — {self.meeting}"


class Convocation(models.Model):
    """One sending of a meeting's convocation (again after a change: a new revision)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="convocations"
    )
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="envoyée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sequence = models.PositiveIntegerField("révision de la réunion")
    recipients = models.PositiveIntegerField("destinataires")

    class Meta:
        verbose_name = "convocation"
        verbose_name_plural = "convocations"
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Convocation du {self.sent_at:%d/%m/%Y} — {self.meeting}"


class MinutesQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=MinutesStatus.APPROVED)

    def pending(self):
        return self.filter(status=MinutesStatus.DRAFT)


class Minutes(models.Model):
    """The compte rendu of a meeting: written in the product from a draft
    (`governance.minutes.draft_text`), approved at a later meeting of the same body, then
    frozen and public. Plain text, paragraphs separated by blank lines (no HTML)."""

    meeting = models.OneToOneField(
        Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="minutes"
    )
    text = models.TextField("texte", blank=True)
    status = models.CharField(
        "état", max_length=20, choices=MinutesStatus, default=MinutesStatus.DRAFT
    )
    # Raised by every save: a save prepared on an older version is refused (two writers).
    version = models.PositiveIntegerField("version", default=0, editable=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="rédigé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    approved_at = models.DateField("approuvé le", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="approbation enregistrée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name="approuvé lors de la réunion",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="approved_minutes",
    )
    history = HistoricalRecords()

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name = "compte rendu"
        verbose_name_plural = "comptes rendus"
        ordering = ["-meeting__date"]

    def __str__(self):
        return f"Compte rendu — {self.meeting}"

    def get_absolute_url(self):
        return reverse("governance:minutes-detail", args=[self.meeting.uuid])

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class MeetingDocument(models.Model):
    """A document attached to a meeting (slides, a note, the attendance sheet…). Private to
    the contract's people unless `public` is chosen: a document may hold personal data."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to="governance/%Y/")
    filename = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    public = models.BooleanField("public", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "document d'une réunion"
        verbose_name_plural = "documents des réunions"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def detail(self) -> str:
        """« PDF – 120,5 Ko »: the format and the size, for its download link."""
        extension = self.filename.rsplit(".", 1)[-1].upper() if "." in self.filename else ""
        return " – ".join(filter(None, [extension, filesizeformat(self.size)]))
