"""System checks: uploads must never be published with the static files."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path, folder) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


@register()
def media_is_private(app_configs, **kwargs):
    """MEDIA_ROOT inside STATIC_ROOT or a static folder would let WhiteNoise (or collectstatic)
    publish uploads (RIBs…) to anyone."""
    errors = []
    for folder in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        if folder and (
            _inside(settings.MEDIA_ROOT, folder) or _inside(folder, settings.MEDIA_ROOT)
        ):
            errors.append(
                Error(
                    f"MEDIA_ROOT ({settings.MEDIA_ROOT}) and the static folder {folder} overlap: "
                    "uploaded files would be served to anyone.",
                    id="quartiers.E001",
                )
            )
    return errors
