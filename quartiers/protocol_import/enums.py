from django.db import models


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", "en attente"
    RUNNING = "running", "en cours"
    DONE = "done", "terminé"
    FAILED = "failed", "échec"
    APPLIED = "applied", "appliqué"


# The statuses the job page keeps polling; the one a preview can be applied from.
UNFINISHED_STATUSES = (ImportJobStatus.PENDING, ImportJobStatus.RUNNING)
APPLICABLE_STATUSES = (ImportJobStatus.DONE,)
