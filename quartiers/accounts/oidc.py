"""Optional OpenID Connect sign-in (ProConnect for State agents), enabled by settings.

Only people who already have an account (invited by e-mail) may sign in this way: the
provider proves who they are, quartiers decides what they may do. Local accounts keep working.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # Only the callback view signs in through the provider (it passes the session's nonce);
        # a password login that happens to carry ?code=&state= must not reach the provider.
        if "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def update_user(self, user, claims):
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "usual_name")):
            value = (claims.get(claim) or "")[:150]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user

    def get_user(self, user_id):
        # Sessions opened through ProConnect end when the account is deactivated.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class _EnabledOnly:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("La connexion ProConnect n'est pas activée sur cette instance.")
        return super().dispatch(request, *args, **kwargs)


class LoginView(_EnabledOnly, OIDCAuthenticationRequestView):
    pass


class CallbackView(_EnabledOnly, OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_failure(self):
        messages.error(
            self.request,
            "La connexion avec ProConnect n'a pas abouti. Seules les personnes invitées sur "
            "quartiers peuvent se connecter : vérifiez que votre invitation a été envoyée à "
            "l'adresse de votre compte ProConnect.",
        )
        return HttpResponseRedirect(self.failure_url)
