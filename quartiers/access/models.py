"""Roles per contract and the journal of business events."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from quartiers.access.enums import ContractRole
from quartiers.accounts.models import Organisation
from quartiers.contracts.models import Contract


class RoleAssignmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def for_contract(self, contract):
        return self.filter(contract=contract)


class RoleAssignment(models.Model):
    """A person holds a role on one contract, possibly for one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField("rôle", max_length=30, choices=ContractRole)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="pour l'organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="attribué par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField("attribué le", auto_now_add=True)
    # The grant attached the person to the organisation: revoking the last such role detaches.
    created_membership = models.BooleanField("a rattaché la personne", default=False)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle sur un contrat"
        verbose_name_plural = "rôles sur les contrats"
        ordering = ["contract", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "contract", "role", "organisation"], name="unique_role_assignment"
            ),
            models.UniqueConstraint(
                fields=["user", "contract", "role"],
                condition=models.Q(organisation__isnull=True),
                name="unique_role_assignment_without_organisation",
            ),
        ]

    def __str__(self):
        suffix = f" ({self.organisation})" if self.organisation_id else ""
        return f"{self.user} : {self.get_role_display()}{suffix}"


class Event(models.Model):
    """Domain event log: business operations (import applied, role granted…)."""

    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField("opération", max_length=60)
    summary = models.CharField("résumé", max_length=500)
    data = models.JSONField("détails", default=dict, blank=True)
    # About a dossier still in draft: its carrier's business, kept out of the contract's journal.
    about_draft = models.BooleanField("concerne un brouillon", default=False)
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "journal des événements"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.summary
