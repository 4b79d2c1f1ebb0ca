"""Import jobs without running an analysis (pages and access rules)."""

from datetime import timedelta

import factory
from django.utils import timezone

from quartiers.protocol_import.models import ImportJob


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    document_name = "protocole.txt"
    token = "0" * 32 + ".txt"  # no stored document behind it
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
