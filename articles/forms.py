from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField, TagWidget

from .models import ArticleTagging, Tag


def tags_from_string(text):
    """Tag names typed by an editor, separated by commas only:
    "Open Data, Bürgerportal" → ["Bürgerportal", "Open Data"]."""
    names = {name.strip().strip('"').strip() for name in text.split(",")}
    return sorted(name for name in names if name)


def tags_to_string(tags):
    """The tags as the text input shows them: "Bürgerportal, Open Data"."""
    return ", ".join(sorted(tag.name for tag in tags))


class TagSuggestWidget(TagWidget):
    """taggit's comma-separated text input, with the existing tags offered
    through a <datalist> (browser autocomplete, no script, no CDN)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = attrs or {}
        datalist_id = f"{attrs.get('id', name)}-suggestions"
        attrs = {**attrs, "list": datalist_id, "autocomplete": "off"}
        options = format_html_join(
            "", '<option value="{}">', Tag.objects.values_list("name")
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            datalist_id,
            options,
        )


class ArticleTaggingForm(forms.ModelForm):
    """The only field a moderator may change on an article."""

    class Meta:
        model = ArticleTagging
        fields = ["tags"]
        widgets = {"tags": TagSuggestWidget(attrs={"size": 60})}


class TagsAddForm(forms.Form):
    tags = TagField(
        label=_("Schlagwörter hinzufügen"),
        help_text=_("Durch Kommas getrennt, z. B. „Open Data, Bürgerportal“."),
        widget=TagSuggestWidget(attrs={"size": 60}),
    )


class TagsRemoveForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Schlagwörter entfernen"),
        queryset=Tag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte mindestens ein Schlagwort wählen.")},
    )

    def __init__(self, *args, articles, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the tags the selected articles actually carry.
        self.fields["tags"].queryset = Tag.objects.filter(
            tagged_articles__content_object__in=articles
        ).distinct()


class TagMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Zusammenführen in"),
        queryset=Tag.objects.all(),
        help_text=_(
            "Alle Artikel der gewählten Schlagwörter erhalten dieses Schlagwort; "
            "die anderen werden gelöscht, ihre Themenseiten leiten hierher weiter."
        ),
        error_messages={
            "required": _("Bitte das Ziel-Schlagwort wählen."),
            "invalid_choice": _("Dieses Schlagwort gibt es nicht (mehr)."),
        },
    )
