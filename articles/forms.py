from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import (
    AdminTextareaWidget,
    AutocompleteSelect,
    ForeignKeyRawIdWidget,
)
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from taggit.forms import TagField, TagWidget

from .models import (
    Article,
    ArticleTagging,
    Frequency,
    ImageCredit,
    Municipality,
    Photo,
    Scope,
    Tag,
)
from .newsletters import CONSENT_TEXT
from .photos import check_upload

# What the editor's toolbar offers. The stored body is cleaned by
# articles.text.clean_body() on save, whatever the browser sends.
BODY_EDITOR = {
    "extensions": {
        "Paragraph": True,
        "HardBreak": True,
        "Heading": {"levels": [2, 3]},
        "Bold": True,
        "Italic": True,
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    }
}


class PhotoRawIdWidget(ForeignKeyRawIdWidget):
    """The photo's id with a lookup in the library (a searchable list with
    thumbnails) and the chosen photo's thumbnail next to it."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        photo = Photo.objects.filter(pk=value).first() if value else None
        if photo is None or not photo.thumbnail_url:
            return html
        return format_html(
            '{}<img class="photo-thumbnail" src="{}" alt="{}" width="160">',
            html,
            photo.thumbnail_url,
            photo.alt_text,
        )


# What the article form shows of its photo: the chosen photo's, or those
# of a new upload (see ArticleAdminForm).
PHOTO_FIELDS = {"alt_text": "alt_text", "caption": "caption", "image_credit": "credit"}


class ArticleAdminForm(forms.ModelForm):
    """The editors' form: a WYSIWYG body, optimistic locking, and the photo.

    `opened_version` carries the article's `updated_at` as the editor opened
    it; a save over a newer version is refused, and the editor's input stays
    in the form.

    The photo is either picked from the library (`photo`) or uploaded here
    (`image`, which makes a new library photo). Alt text, caption and credit
    describe that photo: they start as the chosen photo's, and what the
    editor changes here changes the photo in the library."""

    body = ProseEditorFormField(
        label=_("Text"), required=False, config=BODY_EDITOR, widget=AdminTextareaWidget
    )
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    image = forms.ImageField(
        label=_("Neues Foto hochladen"),
        required=False,
        help_text=_(
            "JPEG, PNG oder WebP, höchstens 10 MB und 40 Megapixel; kommt in "
            "die Fotobibliothek und ersetzt das gewählte Foto."
        ),
    )
    alt_text = Photo._meta.get_field("alt_text").formfield()
    caption = Photo._meta.get_field("caption").formfield()
    image_credit = forms.ModelChoiceField(
        label=_("Bildnachweis"),
        queryset=ImageCredit.objects.all(),
        required=False,
        widget=AutocompleteSelect(Photo._meta.get_field("credit"), admin.site),
    )

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {
            "photo": PhotoRawIdWidget(
                Article._meta.get_field("photo").remote_field, admin.site
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["opened_version"] = self.instance.updated_at.isoformat()
        if self.instance.photo_id:
            photo = self.instance.photo
            for form_field, photo_field in PHOTO_FIELDS.items():
                self.initial.setdefault(form_field, getattr(photo, photo_field))

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload:
            check_upload(upload)
        return upload

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self.check_not_changed_since_opened(cleaned_data.get("opened_version"))
        return cleaned_data

    def _post_clean(self):
        # Before the article's own checks, which look at its photo.
        self.attach_photo()
        super()._post_clean()

    def attach_photo(self):
        """Give the article the uploaded or chosen photo (unsaved while
        new). A new upload takes the alt text, caption and credit of this
        form; a chosen photo only those the editor changed here, so that
        picking a photo keeps its description from the library."""
        data = self.cleaned_data
        upload = data.get("image")
        photo = Photo(image=upload) if upload else data.get("photo")
        if photo is None:
            return
        for form_field, photo_field in PHOTO_FIELDS.items():
            if form_field in data and (upload or form_field in self.changed_data):
                value = data[form_field]
                if value is None and photo_field != "credit":
                    value = ""
                setattr(photo, photo_field, value)
        data["photo"] = photo
        self.photo_to_save = photo

    def save_photo(self, *, user):
        """Store the article's photo: a new upload as a library photo
        uploaded by `user`, or the chosen photo's changed alt text, caption
        and credit. Called before the article is saved."""
        photo = getattr(self, "photo_to_save", None)
        if photo is None:
            return
        if photo.pk is None:
            photo.uploaded_by = user
            photo.save()
        elif any(field in self.changed_data for field in PHOTO_FIELDS):
            photo.save(update_fields=list(PHOTO_FIELDS.values()))
        self.instance.photo = photo

    def check_not_changed_since_opened(self, opened):
        current = (
            Article.objects.filter(pk=self.instance.pk)
            .select_related("last_editor")
            .only("updated_at", "last_editor__username")
            .first()
        )
        if current is None or current.updated_at.isoformat() == opened:
            return
        # Let a second, deliberate save go through: the hidden field now
        # carries the version the editor has been warned about.
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_version")] = current.updated_at.isoformat()
        when = formats.date_format(timezone.localtime(current.updated_at), "d.m.Y, H:i")
        who = current.last_editor.username if current.last_editor else gettext("jemand")
        self.add_error(
            None,
            forms.ValidationError(
                gettext(
                    "Dieser Artikel wurde geändert, seit Sie ihn geöffnet haben: "
                    "von %(who)s am %(when)s Uhr. Ihre Eingaben stehen noch im "
                    "Formular. Öffnen Sie den Artikel in einem neuen Tab, um die "
                    "Änderungen zu vergleichen; erneutes Speichern überschreibt sie."
                )
                % {"who": who, "when": when},
                code="changed_since_opened",
            ),
        )


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


class TagNamesField(TagField):
    """Comma-separated tag names with autocomplete; refuses names longer
    than Tag.name allows (the database would refuse them with a 500)."""

    widget = TagSuggestWidget(attrs={"size": 60})

    def clean(self, value):
        names = super().clean(value)
        if self.required and not names:
            raise forms.ValidationError(self.error_messages["required"], "required")
        limit = Tag._meta.get_field("name").max_length
        too_long = [name for name in names if len(name) > limit]
        if too_long:
            raise forms.ValidationError(
                _("Ein Schlagwort darf höchstens %(limit)d Zeichen lang sein."),
                code="tag_too_long",
                params={"limit": limit},
            )
        return names


class ArticleTaggingForm(forms.ModelForm):
    """The only field a moderator may change on an article."""

    tags = TagNamesField(
        label=_("Schlagwörter"),
        required=False,
        help_text=_("Durch Kommas getrennt, z. B. „Open Data, Bürgerportal“."),
    )

    class Meta:
        model = ArticleTagging
        fields = ["tags"]


class TagsAddForm(forms.Form):
    tags = TagNamesField(
        label=_("Schlagwörter hinzufügen"),
        help_text=_("Durch Kommas getrennt, z. B. „Open Data, Bürgerportal“."),
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


class NewsletterSubscribeForm(forms.Form):
    """A reader's newsletter subscription: address, frequency, choice of
    news, and consent (double opt-in follows by mail)."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("Wie oft?"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    scope = forms.ChoiceField(
        label=_("Welche Meldungen?"),
        choices=Scope.choices,
        initial=Scope.EVERYTHING,
        widget=forms.RadioSelect,
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommunen"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(label=CONSENT_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what has published news: a draft's municipality or topic
        # must not show what is coming.
        published = Article.objects.published()
        self.fields["municipalities"].queryset = Municipality.objects.filter(
            pk__in=published.filter(municipality__isnull=False).values("municipality")
        ).order_by("name")
        self.fields["topics"].queryset = Tag.objects.with_published_news().order_by(
            "name"
        )

    def clean(self):
        cleaned_data = super().clean()
        chosen = cleaned_data.get("municipalities") or cleaned_data.get("topics")
        if cleaned_data.get("scope") == Scope.SELECTION and not chosen:
            raise forms.ValidationError(
                gettext(
                    "Bitte wählen Sie mindestens eine Kommune oder ein Thema, "
                    "oder „alle Meldungen“."
                ),
                code="empty_selection",
            )
        return cleaned_data
