"""The project's base form: DSFR rendering with `{{ form }}`."""

from django import forms
from dsfr.forms import DsfrBaseForm


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
