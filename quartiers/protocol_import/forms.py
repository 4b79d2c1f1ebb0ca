from pathlib import Path

from django import forms

from quartiers.core.forms import BaseForm
from quartiers.protocol_import.documents import MAX_DOCUMENT_BYTES

ACCEPTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".odt", ".pdf")


class ProtocolUploadForm(BaseForm):
    document = forms.FileField(
        label="Document du protocole ou du contrat",
        help_text=(
            "Formats acceptés : .txt, .md, .html, .docx, .odt, .pdf (avec texte, pas un scan) ; "
            "5 Mo au plus."
        ),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                "Format non accepté : déposez un fichier .txt, .md, .html, .docx, .odt ou .pdf."
            )
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                f"Le fichier dépasse {MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo."
            )
        return upload
