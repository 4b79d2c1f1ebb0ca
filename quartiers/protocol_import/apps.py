from django.apps import AppConfig


class ProtocolImportConfig(AppConfig):
    name = "quartiers.protocol_import"
    verbose_name = "import de protocoles"
