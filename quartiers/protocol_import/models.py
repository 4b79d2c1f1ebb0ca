"""An import started from the browser: analysed by the background queue, then applied."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from quartiers.protocol_import.enums import UNFINISHED_STATUSES, ImportJobStatus


class ImportJobQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(expires_at__lte=timezone.now())


class ImportJob(models.Model):
    """One uploaded document, its analysis (step by step) and the preview it gave.

    `contract` is None when the import creates a contract (the « nouveau contrat » page). The
    document waits in the private storage under `token` until the job is applied or expires
    (`IMPORT_PREVIEW_TTL`, then `purge_expired_imports`).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.CASCADE
    )
    document_name = models.CharField(max_length=255)
    token = models.CharField(max_length=64)
    create_only = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    step = models.PositiveSmallIntegerField(default=0)
    step_count = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)  # the preview, see services.preview_data
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"Import de « {self.document_name} » ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("protocol_import:job", kwargs={"uuid": self.uuid})

    @property
    def is_unfinished(self) -> bool:
        return self.status in UNFINISHED_STATUSES

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
