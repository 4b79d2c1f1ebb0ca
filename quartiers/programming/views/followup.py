"""Views: followup (see urls.py)."""

urlpatterns: list = []
