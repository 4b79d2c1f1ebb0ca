"""What the programming's forms share: widgets and fieldsets."""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 4})


class FieldsetsMixin:
    """`form.fieldsets`: (legend, [bound fields]) from the class's `FIELDSETS`."""

    FIELDSETS: list[tuple[str, list[str]]] = []

    @property
    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]
