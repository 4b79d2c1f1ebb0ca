"""Readable audit trail from django-simple-history records: who changed what, and when."""

from dataclasses import dataclass, field
from itertools import chain, pairwise

ACTIONS = {"+": "création", "~": "modification", "-": "suppression"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    at: object
    author: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field removed since the record was written
        return name


def _value(record, name: str) -> str:
    value = getattr(record, name, "")
    return "—" if value in (None, "") else str(value)


def entries(*histories, limit: int = 100, describe=None) -> list[Entry]:
    """Entries of several history querysets, newest first, with per-field changes.

    `describe(record)` may name what a record is about (e.g. « rôle de la CAF »); it should
    only read fields the querysets already selected. Records are diffed against the previous
    record of the same object in Python, so the number of queries does not grow with the
    number of records.
    """
    records = list(
        chain.from_iterable(
            h.select_related("history_user").order_by("-history_date")[:limit] for h in histories
        )
    )
    by_object: dict[tuple, list] = {}
    for record in records:
        by_object.setdefault((record.instance_type, record.id), []).append(record)
    changes: dict[int, list[Change]] = {}
    for versions in by_object.values():
        versions.sort(key=lambda r: r.history_date)
        for old, new in pairwise(versions):
            delta = new.diff_against(old)
            model = new.instance_type
            changes[id(new)] = [
                Change(_label(model, c.field), _value(old, c.field), _value(new, c.field))
                for c in delta.changes
            ]
    result = [
        Entry(
            at=r.history_date,
            author=str(r.history_user) if r.history_user else "import ou système",
            action=ACTIONS.get(r.history_type, r.history_type),
            subject=(describe and describe(r)) or str(r.instance_type._meta.verbose_name),
            changes=changes.get(id(r), []),
        )
        for r in records
    ]
    result.sort(key=lambda e: e.at, reverse=True)
    return result[:limit]
