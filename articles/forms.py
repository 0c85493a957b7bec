from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """The reader's search box. Rejects what cannot be searched (no letter or
    digit, too long, NUL bytes) with a German message instead of querying."""

    q = forms.CharField(
        label=_("Suchbegriff"),
        max_length=200,
        error_messages={
            "required": _("Bitte einen Suchbegriff eingeben."),
            "max_length": _("Bitte höchstens %(limit_value)d Zeichen eingeben."),
        },
    )

    def clean_q(self):
        text = self.cleaned_data["q"]
        if not any(char.isalnum() for char in text):
            raise forms.ValidationError(
                _("Bitte mindestens ein Wort oder eine Zahl eingeben."),
                code="no_words",
            )
        return text
