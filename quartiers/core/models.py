"""The one model of the socle: the claim of a form's one-time token (`core.idempotency`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """A creating form sent once: its token, who sent it and where its object lives.

    A second request carrying the same token finds this row and is redirected to `url`
    instead of creating a twin. Rows are purged once their token has expired.
    """

    token = models.CharField("jeton", max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="form_submissions",
    )
    url = models.CharField("adresse de l'objet créé", max_length=500, blank=True)
    created_at = models.DateTimeField("envoyé le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "envoi de formulaire"
        verbose_name_plural = "envois de formulaires"

    def __str__(self):
        return f"{self.token} ({self.created_at:%d/%m/%Y %H:%M})"
