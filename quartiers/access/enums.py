from django.db import models


class ContractRole(models.TextChoices):
    PROJECT_LEAD = "project_lead", "chef·fe de projet politique de la ville"
    PREFECT_DELEGATE = "prefect_delegate", "délégué·e du préfet"
    FUNDER_INSTRUCTOR = "funder_instructor", "instructeur·rice d'un financeur"
    CARRIER = "carrier", "porteur de projet"
    CITIZEN_COUNCIL = "citizen_council", "membre du conseil citoyen"
    OBSERVER = "observer", "observateur·rice"


# Roles that act for one organisation: the assignment must name it.
ROLES_WITH_ORGANISATION = {ContractRole.FUNDER_INSTRUCTOR, ContractRole.CARRIER}
