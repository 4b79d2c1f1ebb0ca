"""The project's base form: DSFR rendering with `{{ form }}`."""

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
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

    def get_context(self):
        # DsfrBaseForm.get_context() only adds a deprecation warning about its transitional
        # DSFR_MARK_OPTIONAL_FIELDS setting (warnings are errors in the test suite).
        return forms.Form.get_context(self)


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


class LongSelect(forms.Select):
    """A select whose options are written in Python, not one template each: a filter among
    hundreds of carriers costs milliseconds instead of a tenth of a second."""

    template_name = "core/widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
                for _, options, _ in context["widget"]["optgroups"]
                for option in options
            ),
        )
        return context
