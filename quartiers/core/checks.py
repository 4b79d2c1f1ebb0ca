"""System checks: uploads must never be published with the static files; a deployment never
runs on the local settings of `make demo`."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


@register(Tags.security, deploy=True)
def not_on_local_settings(app_configs, **kwargs):
    """local.env (config/local_env.py) turns HTTPS off for the loopback: `check --deploy` says
    so, whatever else it finds, when the settings came from it."""
    if not getattr(settings, "LOCAL_ENV_USED", None):
        return []
    return [
        Warning(
            f"The settings come from {settings.LOCAL_ENV_USED}, the local settings of `make demo` "
            "(plain HTTP, no secure cookies, no HSTS).",
            hint="A deployment sets SECRET_KEY (or SECRET_KEY_FILE) and its other variables in "
            "its own environment (docs/deployment.md); the local file is then ignored.",
            id="quartiers.W001",
        )
    ]
