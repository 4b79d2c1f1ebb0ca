"""Pages of the conseil citoyen of a contract, and the public page of a draw by lot.

Each contract page goes through `access.decorators.contract_page` with the predicate of
`participation.permissions` that answers it; the public page of a draw shows no name.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quartiers.access.decorators import contract_page
from quartiers.access.enums import ContractRole
from quartiers.access.permissions import can_view_contract, contract_organisations
from quartiers.accounts.models import User
from quartiers.core import idempotency
from quartiers.participation import draws, permissions, services
from quartiers.participation.enums import College, Gender
from quartiers.participation.forms import (
    CouncilForm,
    DepartureForm,
    DrawForm,
    MemberCreateForm,
    MemberForm,
    VolunteerListForm,
)
from quartiers.participation.models import (
    CitizenCouncil,
    CouncilMember,
    Draw,
    DrawEntry,
    Volunteer,
    VolunteerList,
)


def _breadcrumb(contract, *, council=False):
    links = [
        ("Contrats", reverse("contracts:contract-list")),
        (contract.name, contract.get_absolute_url()),
    ]
    if council:
        links.append(("Conseil citoyen", _council_url(contract)))
    return links


def _council_url(contract):
    return reverse("participation:council", kwargs={"slug": contract.slug})


def _council_or_404(contract):
    council = CitizenCouncil.objects.filter(contract=contract).first()
    if council is None:
        raise Http404("Ce contrat n'a pas encore de conseil citoyen.")
    return council


def _member_or_404(contract, pk):
    return get_object_or_404(
        CouncilMember.objects.select_related("council", "contract"), contract=contract, pk=pk
    )


def _council_accounts(contract, member=None):
    """People holding the conseil citoyen role on the contract (a member's optional account),
    and the account `member` is already linked to (its role may have been revoked since)."""
    linked = Q(pk=member.user_id) if member is not None and member.user_id else Q(pk__in=[])
    holders = Q(
        role_assignments__contract=contract,
        role_assignments__role=ContractRole.CITIZEN_COUNCIL,
    )
    return (
        User.objects.filter(holders | linked)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def _parity(members) -> dict:
    residents = [m for m in members if m.college == College.RESIDENT]
    return {
        "women": sum(m.gender == Gender.WOMAN for m in residents),
        "men": sum(m.gender == Gender.MAN for m in residents),
    }


# --------------------------------------------------------------------------- council


@contract_page(permissions.can_view_citizen_council)
def council(request, contract):
    user = request.user
    council = (
        CitizenCouncil.objects.select_related("carrying_organisation")
        .filter(contract=contract)
        .first()
    )
    members = (
        list(council.members.select_related("user").order_by(*CouncilMember._meta.ordering))
        if council
        else []
    )
    current = [m for m in members if m.left_on is None]
    colleges = [
        (label, [m for m in current if m.college == value]) for value, label in College.choices
    ]
    lists = (
        VolunteerList.objects.filter(contract=contract)
        .annotate(
            women=Count("volunteers", filter=Q(volunteers__gender=Gender.WOMAN)),
            men=Count("volunteers", filter=Q(volunteers__gender=Gender.MAN)),
        )
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "participation/council.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "council": council,
            "colleges": colleges,
            "former": [m for m in members if m.left_on is not None],
            "parity": _parity(current),
            "lists": lists,
            "draws": Draw.objects.filter(contract=contract).select_related("volunteer_list"),
            "can_manage": permissions.can_manage_citizen_council(user, contract),
            "see_names": permissions.can_see_member_names(user, contract),
            "see_contacts": permissions.can_see_member_contacts(user, contract),
            "see_volunteers": permissions.can_see_volunteer_names(user, contract),
            "see_fund": permissions.can_view_fund_committee(user, contract),
        },
    )


@contract_page(permissions.can_manage_citizen_council)
def council_edit(request, contract):
    council = CitizenCouncil.objects.filter(contract=contract).first()
    initial = (
        {
            "name": council.name,
            "created_on": council.created_on,
            "carrying_organisation": council.carrying_organisation,
            "carrying_structure_name": council.carrying_structure_name,
        }
        if council
        else {"name": "Conseil citoyen"}
    )
    form = CouncilForm(
        request.POST or None,
        initial=initial,
        organisations=contract_organisations(contract).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_council(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Conseil citoyen enregistré.")
            return redirect(_council_url(contract))
    return render(
        request,
        "participation/council_form.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, council=True),
            "form": form,
            "council": council,
        },
    )


# --------------------------------------------------------------------------- members


@contract_page(permissions.can_manage_citizen_council)
@idempotency.replays_submissions
def member_create(request, contract):
    council = _council_or_404(contract)
    volunteers = Volunteer.objects.filter(volunteer_list__contract=contract, erased_at__isnull=True)
    form = MemberCreateForm(
        request.POST or None,
        accounts=_council_accounts(contract),
        volunteers=volunteers,
        initial={"college": College.RESIDENT, **_drawn_volunteer(request, volunteers)},
    )
    if request.method == "POST" and form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.add_member(
                council=council, by=request.user, **form.cleaned_data
            ),
            url=lambda _: _council_url(contract),
            success=lambda member: f"{member.display_name} ajouté·e au conseil citoyen.",
        )
        if response:
            return response
    return render(
        request,
        "participation/member_form.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, council=True),
            "form": form,
            "title": "Ajouter un membre",
        },
    )


def _drawn_volunteer(request, volunteers) -> dict:
    """What a member drawn by lot starts with: `?volontaire=<pk>`, read through a form (a
    hostile value is ignored)."""
    if request.method != "GET" or "volontaire" not in request.GET:
        return {}
    field = forms.ModelChoiceField(queryset=volunteers)
    try:
        volunteer = field.clean(request.GET["volontaire"])
    except ValidationError:
        return {}
    return {
        "volunteer": volunteer.pk,
        "last_name": volunteer.display_name,
        "gender": volunteer.gender,
        "email": volunteer.email,
    }


@contract_page(permissions.can_manage_citizen_council)
def member_edit(request, contract, pk):
    member = _member_or_404(contract, pk)
    if member.is_erased:
        raise Http404("Les données de ce membre ont été effacées.")
    fields = list(services.MEMBER_FIELDS)
    form = MemberForm(
        request.POST or None,
        accounts=_council_accounts(contract, member),
        consent_recorded=member.consent_given_at is not None,
        initial={f: getattr(member, f) for f in fields},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consent = data.pop("consent_given", None)
        try:
            services.update_member(member=member, by=request.user, consent_given=consent, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Membre modifié.")
            return redirect(_council_url(contract))
    return render(
        request,
        "participation/member_form.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, council=True),
            "form": form,
            "member": member,
            "title": f"Modifier : {member.display_name}",
        },
    )


@contract_page(permissions.can_manage_citizen_council)
def member_leave(request, contract, pk):
    member = _member_or_404(contract, pk)
    form = DepartureForm(request.POST or None) if member.left_on is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.record_departure(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Départ enregistré.")
            return redirect(_council_url(contract))
    return render(
        request,
        "participation/member_leave.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, council=True),
            "form": form,
            "member": member,
        },
    )


@require_POST
@contract_page(permissions.can_manage_citizen_council)
def member_erase(request, contract, pk):
    member = _member_or_404(contract, pk)
    try:
        services.erase_member(member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Données personnelles effacées : le membre apparaît désormais comme "
            "« Membre retiré·e ».",
        )
    return redirect(_council_url(contract))


# --------------------------------------------------------------------------- volunteers


@contract_page(permissions.can_manage_citizen_council)
@idempotency.replays_submissions
def volunteer_list_create(request, contract):
    form = VolunteerListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.record_volunteer_list(
                contract=contract,
                by=request.user,
                name=data["name"],
                rows=data["rows"],
                source=data["source"],
            ),
            url=lambda volunteer_list: reverse(
                "participation:volunteer-list-detail",
                kwargs={"slug": contract.slug, "uuid": volunteer_list.uuid},
            ),
            success=lambda volunteer_list: (
                f"Liste « {volunteer_list.name} » enregistrée "
                f"({volunteer_list.volunteers.count()} volontaires)."
            ),
        )
        if response:
            return response
    return render(
        request,
        "participation/volunteer_list_form.html",
        {"contract": contract, "breadcrumb": _breadcrumb(contract, council=True), "form": form},
    )


@contract_page(permissions.can_see_volunteer_names)
def volunteer_list_detail(request, contract, uuid):
    volunteer_list = get_object_or_404(VolunteerList, contract=contract, uuid=uuid)
    volunteers = list(volunteer_list.volunteers.all())
    return render(
        request,
        "participation/volunteer_list.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, council=True),
            "volunteer_list": volunteer_list,
            "volunteers": volunteers,
            "women": sum(v.gender == Gender.WOMAN for v in volunteers),
            "men": sum(v.gender == Gender.MAN for v in volunteers),
            "draws": volunteer_list.draws.all(),
            "can_manage": permissions.can_manage_citizen_council(request.user, contract),
        },
    )


# --------------------------------------------------------------------------- draws


@contract_page(permissions.can_manage_citizen_council)
@idempotency.replays_submissions
def draw_create(request, contract, uuid):
    volunteer_list = get_object_or_404(VolunteerList, contract=contract, uuid=uuid)
    counts = volunteer_list.volunteers.aggregate(
        women=Count("pk", filter=Q(gender=Gender.WOMAN)),
        men=Count("pk", filter=Q(gender=Gender.MAN)),
    )
    form = DrawForm(request.POST or None, initial={"seed": services.generate_seed()})
    if request.method == "POST" and form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.draw_by_lot(
                volunteer_list=volunteer_list, by=request.user, **form.cleaned_data
            ),
            url=lambda draw: reverse(
                "participation:draw-detail", kwargs={"slug": contract.slug, "uuid": draw.uuid}
            ),
            success=lambda draw: f"Tirage enregistré avec la graine « {draw.seed} ».",
        )
        if response:
            return response
    return render(
        request,
        "participation/draw_form.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, council=True),
            "form": form,
            "volunteer_list": volunteer_list,
            "counts": counts,
        },
    )


def _draw_context(draw):
    return {
        "draw": draw,
        "algorithm": draws.ALGORITHM,
        "half": draw.seats // 2,
    }


@contract_page(permissions.can_view_draw_record)
def draw_detail(request, contract, uuid):
    draw = get_object_or_404(
        Draw.objects.select_related("volunteer_list", "drawn_by"), contract=contract, uuid=uuid
    )
    see_names = permissions.can_see_volunteer_names(request.user, contract)
    entries = (
        list(draw.entries.select_related("volunteer").order_by("gender", "rank"))
        if see_names
        else []
    )
    return render(
        request,
        "participation/draw_detail.html",
        {
            **_draw_context(draw),
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, council=True),
            "see_names": see_names,
            "seated": [e for e in entries if e.seated],
            "waiting": [e for e in entries if not e.seated],
            "replay": services.replay_draw(draw) if see_names else None,
            "can_manage": permissions.can_manage_citizen_council(request.user, contract),
            "enrolled": set(
                CouncilMember.objects.filter(volunteer__entries__draw=draw).values_list(
                    "volunteer_id", flat=True
                )
            ),
        },
    )


@contract_page()
def draw_list(request, contract):
    """The contract's draws by lot, for whoever reads the contract (the public when it is
    published): dates, seats, seeds and links to their public pages; no name."""
    return render(
        request,
        "participation/draw_list.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "council": CitizenCouncil.objects.filter(contract=contract).first(),
            "draws": Draw.objects.filter(contract=contract),
        },
    )


@login_not_required
def draw_public(request, uuid):
    """The public record of a draw: seed, fingerprint, counts by gender and how to re-run it;
    no name. Public when its contract is (else for those who may read the contract)."""
    draw = get_object_or_404(
        Draw.objects.select_related("contract", "volunteer_list").prefetch_related(
            Prefetch("entries", queryset=DrawEntry.objects.filter(seated=True))
        ),
        uuid=uuid,
    )
    if not can_view_contract(request.user, draw.contract):
        raise Http404("Tirage introuvable.")
    return render(
        request,
        "participation/draw_public.html",
        {
            **_draw_context(draw),
            "contract": draw.contract,
            "breadcrumb": [
                *_breadcrumb(draw.contract),
                (
                    "Tirages au sort",
                    reverse("participation:draw-list", kwargs={"slug": draw.contract.slug}),
                ),
            ],
        },
    )
