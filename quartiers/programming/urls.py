"""Routes of the programming; each view module declares its own `urlpatterns`."""

from quartiers.programming.views import (
    applications,
    calls,
    committees,
    deletion,
    followup,
    instruction,
    queues,
)

app_name = "programming"

urlpatterns = [
    *calls.urlpatterns,
    *applications.urlpatterns,
    *instruction.urlpatterns,
    *queues.urlpatterns,
    *committees.urlpatterns,
    *followup.urlpatterns,
    *deletion.urlpatterns,
]
