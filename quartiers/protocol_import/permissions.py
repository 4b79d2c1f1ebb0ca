from quartiers.access.permissions import can_import_protocol, is_admin


def can_view_import_job(user, job) -> bool:
    """An import job is its author's (and a platform admin's); anyone else gets 404."""
    return user.is_authenticated and (job.created_by_id == user.pk or is_admin(user))


def can_apply_import_job(user, job) -> bool:
    """Its viewer may apply it while still allowed to import into its contract."""
    return can_view_import_job(user, job) and can_import_protocol(user, job.contract)
