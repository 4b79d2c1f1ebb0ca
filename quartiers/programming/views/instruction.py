"""Views: instruction (see urls.py)."""

urlpatterns: list = []
