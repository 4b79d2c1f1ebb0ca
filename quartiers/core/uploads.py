"""Checks of an uploaded file before it is kept: size, declared type, name and first bytes.

Every upload of the product (a dossier's attachment, a meeting's document, a residents'
project's receipt) goes through `attachment_error`, so the rule lives once.
"""

ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# Magic numbers: a file must start like what it claims to be (a renamed .exe is refused).
ZIP = (b"PK\x03\x04",)
SIGNATURES = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.oasis.opendocument.text": ZIP,
    "application/vnd.oasis.opendocument.spreadsheet": ZIP,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP,
}


def upload_content_type(upload) -> str:
    return (upload.content_type or "").split(";")[0].strip()


def attachment_error(upload) -> str | None:
    """Why `upload` may not be attached (size, declared type, name, first bytes), or None."""
    name, content_type = upload.name, upload_content_type(upload)
    if upload.size > MAX_ATTACHMENT_BYTES:
        return f"« {name} » dépasse 10 Mo."
    expected = ALLOWED_ATTACHMENT_TYPES.get(content_type)
    if expected is None or not name.lower().endswith(
        (expected, ".jpeg") if expected == ".jpg" else (expected,)
    ):
        return f"« {name} » : format non accepté (PDF, image, document bureautique)."
    if not _content_matches_type(upload, content_type):
        return f"« {name} » ne contient pas ce que son nom annonce."
    return None


def _content_matches_type(upload, content_type: str) -> bool:
    """Whether the upload's first bytes are those of `content_type`."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return head.startswith(SIGNATURES[content_type])
