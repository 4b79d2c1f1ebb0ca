"""The project's base form: DSFR rendering with `{{ form }}`."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from dsfr.forms import DsfrBaseForm

from quartiers.core import idempotency


class BaseForm(DsfrBaseForm):
    """Every form of the project inherits this one (see STYLE.md, Templates and DSFR)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # DSFR's field template reads `widget.group_class`: give text inputs the default.
            if not hasattr(field.widget, "group_class"):
                field.widget.group_class = "fr-input-group"
        use_project_field_templates(self)

    def get_context(self):
        # DsfrBaseForm.get_context() only adds a deprecation warning about its transitional
        # DSFR_MARK_OPTIONAL_FIELDS setting (warnings are errors in the test suite).
        return forms.Form.get_context(self)


def use_project_field_templates(form) -> None:
    """Checkboxes and radios rendered by our components (DSFR's own need django-widget-tweaks).
    `BaseForm` calls it; a form that changes a field's widget after that calls it again."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.template_name = "components/checkbox_field.html"
        elif isinstance(field.widget, forms.RadioSelect):  # CheckboxSelectMultiple too
            field.template_name = "components/choice_field.html"


class BaseModelForm(BaseForm, forms.ModelForm):
    """The ModelForm counterpart of `BaseForm`: same DSFR rendering, same context."""


class IdempotentForm(forms.Form):
    """A creating form: carries the one-time token that `core.idempotency.once` claims.

    Put it first among the bases (`class PaymentForm(IdempotentForm, BaseForm)`). The token is
    a hidden field, read into `submission_token` and kept out of `cleaned_data` (services take
    the cleaned data as keyword arguments). A form shown again after an error carries a fresh
    token: the failed attempt claimed nothing, and an expired or foreign token must not stick.
    """

    submission_token = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=idempotency.new_token
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission_token = (
            str(self.data.get(self.add_prefix(idempotency.TOKEN_FIELD), ""))
            if self.is_bound
            else ""
        )

    def full_clean(self):
        super().full_clean()
        getattr(self, "cleaned_data", {}).pop(idempotency.TOKEN_FIELD, None)

    def add_error(self, field, error):
        super().add_error(field, error)
        if self.is_bound:
            data = self.data.copy()
            data[self.add_prefix(idempotency.TOKEN_FIELD)] = idempotency.new_token()
            self.data = data


class PythonRendered:
    """A widget written in Python, not through the template engine: for widgets repeated
    hundreds of times on one page (a filter among hundreds of carriers, the cells of a session's
    table), where each template render costs about half a millisecond. The markup is Django's
    own widget templates' (django/forms/widgets/), with the same attributes."""

    def render(self, name, value, attrs=None, renderer=None):
        return self.html(self.get_context(name, value, attrs)["widget"])


class FastInput(PythonRendered):
    def html(self, widget):
        value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            value,
            flatatt(widget["attrs"]),
        )


class FastNumberInput(FastInput, forms.NumberInput):
    pass


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastTextarea(PythonRendered, forms.Textarea):
    def html(self, widget):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            flatatt(widget["attrs"]),
            widget["value"] or "",
        )


class FastSelect(PythonRendered, forms.Select):
    def html(self, widget):
        groups = format_html_join(
            "",
            "{}",
            (
                (
                    format_html('<optgroup label="{}">{}</optgroup>', label, self._options(options))
                    if label
                    else self._options(options),
                )
                for label, options, _ in widget["optgroups"]
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), groups
        )

    @staticmethod
    def _options(options):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option["value"], flatatt(option["attrs"]), option["label"]) for option in options),
        )
