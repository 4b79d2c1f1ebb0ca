from django.conf import settings

from quartiers.core.views import ACCESSIBILITY_STATUS


def site(request):
    # django-csp's lazy nonce is falsy until it is read, and django-dsfr's `dsfr_js` only
    # writes `nonce="…"` when it is truthy: read it here so DSFR's scripts carry it.
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CSP_NONCE": nonce,
        "ACCESSIBILITY_STATUS": ACCESSIBILITY_STATUS,
    }
