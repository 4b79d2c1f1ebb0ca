from pathlib import Path

from django import forms
from django.conf import settings

from quartiers.core.forms import BaseForm

ACCEPTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".odt")


class ProtocolUploadForm(BaseForm):
    document = forms.FileField(
        label="Document du protocole ou du contrat",
        help_text="Formats acceptés : .txt, .md, .html, .docx, .odt ; 5 Mo au plus.",
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                "Format non accepté : déposez un fichier .txt, .md, .html, .docx ou .odt."
            )
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Le fichier dépasse 5 Mo.")
        return upload
