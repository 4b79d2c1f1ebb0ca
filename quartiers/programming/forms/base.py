"""What the programming's forms share: widgets, fieldsets, our checkbox and radio templates."""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 4})


def use_project_field_templates(form) -> None:
    """Checkboxes and radios rendered by our components (DSFR's own need django-widget-tweaks)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.template_name = "components/checkbox_field.html"
        elif isinstance(field.widget, forms.RadioSelect):  # CheckboxSelectMultiple too
            field.template_name = "components/choice_field.html"


class FieldsetsMixin:
    """`form.fieldsets`: (legend, [bound fields]) from the class's `FIELDSETS`; checkboxes and
    radios rendered by our components."""

    FIELDSETS: list[tuple[str, list[str]]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_project_field_templates(self)

    @property
    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]
