"""Organisation pages: who reads an organisation depends on their roles on contracts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from quartiers.access import permissions
from quartiers.accounts import services
from quartiers.accounts.forms import OrganisationForm
from quartiers.core import history


def _breadcrumb_organisations():
    return [("Organisations", reverse("access:organisation-list"))]


def _visible_organisation(user, pk):
    """The organisation if `user` may read it; 404 otherwise (its existence is not public)."""
    return get_object_or_404(
        permissions.visible_organisations(user).select_related("parent"), pk=pk
    )


def organisation_list(request):
    organisations = permissions.visible_organisations(request.user).select_related("parent")
    return render(request, "access/organisation_list.html", {"organisations": organisations})


def organisation_detail(request, pk):
    organisation = _visible_organisation(request.user, pk)
    can_edit = permissions.can_edit_organisation(request.user, organisation)
    children = list(organisation.children.all())
    linked = set(
        permissions.visible_organisations(request.user)
        .filter(pk__in=[o.pk for o in children] + [organisation.parent_id])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "access/organisation_detail.html",
        {
            "organisation": organisation,
            "breadcrumb": _breadcrumb_organisations(),
            "can_edit": can_edit,
            "members": organisation.members.all(),
            "children": children,
            "linked": linked,  # the related organisations this person may open
            "entries": history.entries(organisation.history.all()) if can_edit else [],
        },
    )


def organisation_edit(request, pk):
    organisation = _visible_organisation(request.user, pk)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_organisation(organisation=form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "L'organisation a été enregistrée.")
            return redirect(organisation)
    breadcrumb = [
        *_breadcrumb_organisations(),
        (str(organisation), organisation.get_absolute_url()),
    ]
    return render(
        request,
        "access/organisation_form.html",
        {"organisation": organisation, "form": form, "breadcrumb": breadcrumb},
    )
