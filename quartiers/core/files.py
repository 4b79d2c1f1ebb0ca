"""Sending private files (uploads) to people a view has already checked."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def private_file_response(file, *, filename: str, content_type: str) -> HttpResponse:
    """Download `file` (a stored FieldFile) as `filename`.

    With `MEDIA_ACCEL_REDIRECT_PREFIX`, the answer is empty and carries `X-Accel-Redirect`:
    nginx then sends the file from an `internal` location, so the Python worker does not
    stream it. The view calling this has checked the permission; nothing else serves media.
    """
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if not prefix:
        return FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = prefix + quote(file.name)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
