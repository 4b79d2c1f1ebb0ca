"""The admin reads the conseil citoyen; writes go through the pages and their services (an
erasure must also purge the history, which the admin's delete or edit would not)."""

from django.contrib import admin

from quartiers.participation.models import (
    CitizenCouncil,
    CouncilMember,
    Draw,
    MicroProject,
    ResidentsFund,
    VolunteerList,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CitizenCouncil)
class CitizenCouncilAdmin(ReadOnlyAdmin):
    list_display = ["name", "contract", "created_on"]


@admin.register(CouncilMember)
class CouncilMemberAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "contract", "college", "term_starts_on", "left_on", "erased_at"]
    list_filter = ["college"]


@admin.register(VolunteerList)
class VolunteerListAdmin(ReadOnlyAdmin):
    list_display = ["name", "contract", "created_at", "fingerprint"]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "contract", "seats", "seed", "list_fingerprint"]


@admin.register(ResidentsFund)
class ResidentsFundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "contract", "envelope", "cap_per_project", "max_share", "is_open"]


@admin.register(MicroProject)
class MicroProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "contract", "status", "amount_requested", "amount_granted"]
    list_filter = ["status"]
    exclude = ["access_key_hash", "request_nonce"]
