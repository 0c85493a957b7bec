import datetime
import re
import uuid
from pathlib import PurePosixPath

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import (
    AdminTextareaWidget,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
)
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from taggit.forms import TagField, TagWidget

from .models import (
    Article,
    ArticleStatus,
    ArticleTagging,
    Author,
    Frequency,
    ImageCredit,
    Municipality,
    Photo,
    Scope,
    State,
    Tag,
)
from .newsletters import CONSENT_TEXT
from .photos import check_upload
from .text import clean_body

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
        # Spell checking stays on (the editor turns it off by default);
        # articles/js/editor_de.js sets lang="de".
        "NoSpellCheck": False,
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


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """The admin's autocomplete for several rows, showing the chosen ones
    in the order given (the byline's), not in the model's order."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        order = {str(pk): index for index, pk in enumerate(value)}
        for _group, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
            for index, option in enumerate(options):
                option["index"] = str(index)
        return groups


class OrderedAuthorsField(forms.ModelMultipleChoiceField):
    """Authors in the order the editor chose them; empty values (a form
    posted with nothing chosen) are ignored."""

    def clean(self, value):
        value = [pk for pk in value or () if pk not in self.empty_values]
        authors = {str(author.pk): author for author in super().clean(value)}
        return [authors[pk] for pk in dict.fromkeys(map(str, value)) if pk in authors]

    def has_changed(self, initial, data):
        initial = [str(pk) for pk in initial or ()]
        data = [str(pk) for pk in data or () if pk not in self.empty_values]
        return initial != data


# What the article form shows of its photo: the chosen photo's, or those
# of a new upload (see ArticleAdminForm).
PHOTO_FIELDS = {"alt_text": "alt_text", "caption": "caption", "image_credit": "credit"}


# What the conflict check merges field by field (the photo file itself is
# not merged: a new upload is always the editor's own choice).
MERGED_FIELDS = (
    "municipality",
    "kind",
    *Article.TEXT_FIELDS,
    "photo",
    *Article.VISIBILITY_FIELDS,
    "needs_tags",
    "tags",
)


# Signs the opened version the form carries; without a timestamp, so that an
# unchanged form does not count the field as changed.
OPENED = signing.Signer(salt="articles.forms.opened_content")
STASH = signing.Signer(salt="articles.forms.stashed_image")


def comparable(name, value):
    """`value` of the field `name` in one form for comparing versions: a
    related row as its pk, a time to the second, tags as sorted names, the
    body as it would be stored."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if name == "tags":
        return ", ".join(sorted(getattr(tag, "name", tag) for tag in value or ()))
    if name == "body":
        return clean_body(value or "")
    if value is None:
        return ""
    return str(value)


def article_version(article):
    """The merged fields of a stored article, as comparable() strings."""
    values = {
        name: getattr(article, Article._meta.get_field(name).attname)
        for name in MERGED_FIELDS
        if name != "tags"
    }
    values["tags"] = list(article.tags.all())
    return {name: comparable(name, value) for name, value in values.items()}


class ArticleAdminForm(forms.ModelForm):
    """The editors' form: a WYSIWYG body, optimistic locking, and the photo.

    `opened_version` carries the article's `updated_at` as the editor opened
    it, `opened_content` its fields then (signed). A save over a newer
    version is refused and the form shows, field by field, what the other
    side changed beside the editor's input; fields only the other side
    changed are taken over into the form, so that saving again merges
    instead of overwriting (a three-way merge against the opened version).

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
    opened_content = forms.CharField(widget=forms.HiddenInput, required=False)
    # Not "authors": the admin refuses a many-to-many field with a through
    # model in its forms; this field keeps the byline's order instead.
    byline = OrderedAuthorsField(
        label=_("Autorinnen und Autoren"),
        queryset=Author.objects.all(),
        required=False,
        widget=OrderedAutocompleteSelectMultiple(
            Article._meta.get_field("authors"), admin.site
        ),
        help_text=_(
            "In der Reihenfolge der Autorenzeile; Namen eintippen und wählen. "
            "Leer lassen bei reinen Agenturmeldungen."
        ),
    )
    substantive_update = forms.BooleanField(
        label=_("wesentliche Änderung"),
        required=False,
        help_text=_(
            "Ankreuzen, wenn diese Änderung den Inhalt für Leser wesentlich "
            "ändert: der Artikel zeigt dann „Aktualisiert am …“ mit dem "
            "Zeitpunkt dieses Speicherns. Nicht für Tippfehler."
        ),
    )
    new_correction = forms.CharField(
        label=_("Neuer Korrekturhinweis"),
        required=False,
        max_length=2000,
        widget=AdminTextareaWidget(attrs={"rows": 3}),
        help_text=_(
            "Erscheint mit Datum am Ende des Artikels und bleibt dort, auch "
            "wenn eine ältere Fassung wiederhergestellt wird. Z. B. „In einer "
            "früheren Fassung hieß es, der Kanal starte im Mai. Richtig ist: "
            "im April.“"
        ),
    )
    # A photo chosen before a refused save, kept in the media storage under
    # stash/ (signed name), so that the next save takes it along.
    stashed_image = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"
        exclude = ["authors"]  # the byline field sets them, in order
        widgets = {
            "photo": PhotoRawIdWidget(
                Article._meta.get_field("photo").remote_field, admin.site
            )
        }

    stashed_photo_url = None
    # Set per request by ArticleAdmin.get_form(): the input of an automatic
    # save the editor chose to restore, as the browser posted it.
    restored_input = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = []
        if self.instance.pk:
            self.initial["opened_version"] = self.instance.updated_at.isoformat()
            self.initial["opened_content"] = OPENED.sign_object(
                article_version(self.instance), compress=True
            )
        if self.instance.pk and "byline" in self.fields:
            self.initial["byline"] = [
                byline.author_id
                for byline in self.instance.bylines.order_by("position", "pk")
            ]
        if self.instance.photo_id:
            photo = self.instance.photo
            for form_field, photo_field in PHOTO_FIELDS.items():
                self.initial.setdefault(form_field, getattr(photo, photo_field))
        if self.restored_input and not self.is_bound:
            self.restore_input(self.restored_input)
        self.label_date_and_time()
        if "kind" in self.fields:
            self.fields["kind"].required = False  # see clean_kind()

    def clean_kind(self):
        # A post without the field (a form opened before it existed, a
        # script) keeps the article's kind: news for a new one.
        return self.cleaned_data["kind"] or self.instance.kind

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload:
            check_upload(upload)
        return upload

    def label_date_and_time(self):
        """Name the date and the time input of each split date field (the
        admin shows "Datum:" and "Zeit:" as text, not as labels)."""
        for name in ("published_at", "unpublish_at"):
            field = self.fields.get(name)
            if field is None or not isinstance(field.widget, forms.MultiWidget):
                continue
            date, time = field.widget.widgets
            date.attrs["aria-label"] = gettext("%(field)s: Datum") % {
                "field": field.label
            }
            time.attrs["aria-label"] = gettext("%(field)s: Uhrzeit") % {
                "field": field.label
            }

    def restore_input(self, data):
        """Show `data` (posted fields, saved automatically) in the form.
        The version it was typed against comes back too, so that saving
        merges with what others saved meanwhile (see merge())."""
        query = QueryDict(mutable=True)
        for name, value in data.items():
            query.setlist(name, value if isinstance(value, list) else [value])
        for name, field in self.fields.items():
            if name == "image":
                continue
            html_name = self.add_prefix(name)
            if html_name in query or f"{html_name}_0" in query:
                value = field.widget.value_from_datadict(query, {}, html_name)
                self.initial[name] = value

    # Set per request by ArticleAdmin.get_form(): may this user publish,
    # schedule and unpublish (articles.publish_article)?
    may_publish = False

    def clean(self):
        cleaned_data = super().clean()
        self.use_stashed_photo(cleaned_data)
        if not self.may_publish:
            self.check_visibility_unchanged(cleaned_data)
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

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors:
            self.keep_chosen_photo()

    def stashed_photo_name(self):
        """The stored name of the photo kept from a refused save, or None."""
        token = self.data.get(self.add_prefix("stashed_image"), "")
        try:
            return STASH.unsign(token) if token else None
        except signing.BadSignature:
            return None

    def use_stashed_photo(self, cleaned_data):
        """Without a new upload (and unless cleared), the kept photo is the
        one this save takes along."""
        name = self.stashed_photo_name()
        if name is None or self.add_prefix("image") in self.files:
            return
        if cleaned_data.get("image") is False or not default_storage.exists(name):
            return
        cleaned_data["image"] = File(
            default_storage.open(name), name=PurePosixPath(name).name
        )

    def keep_chosen_photo(self):
        """The save was refused: keep a newly chosen, valid photo in the
        media storage and carry its name in the form, with a thumbnail URL
        (stashed_photo_url) for the page."""
        upload = self.files.get(self.add_prefix("image"))
        name = self.stashed_photo_name()
        if upload is not None and "image" not in self._errors:
            upload.seek(0)
            name = default_storage.save(
                f"stash/{uuid.uuid4().hex}/{PurePosixPath(upload.name).name}", upload
            )
            self.data = self.data.copy()
            self.data[self.add_prefix("stashed_image")] = STASH.sign(name)
        if name is not None:
            self.stashed_photo_url = default_storage.url(name)

    def discard_stashed_photo(self):
        """After a successful save, the kept copy is no longer needed."""
        name = self.stashed_photo_name()
        if name is not None:
            default_storage.delete(name)

    def check_visibility_unchanged(self, cleaned_data):
        """Without the publishing permission, nothing this form does may
        change whether or when readers see the article: no publishing,
        scheduling or unpublishing, whichever field is used."""
        was_published = self.initial.get("status") == ArticleStatus.PUBLISHED
        status = cleaned_data.get("status")
        message = gettext(
            "Veröffentlichen, Planen und Zurückziehen ist dem Chef vom Dienst "
            "vorbehalten. Setzen Sie den Status auf „In Prüfung“, um den "
            "Artikel zur Freigabe einzureichen."
        )
        if "status" in self.changed_data and ArticleStatus.PUBLISHED in (
            status,
            self.initial.get("status"),
        ):
            self.add_error("status", forms.ValidationError(message, code="publish"))
        elif was_published or status == ArticleStatus.PUBLISHED:
            for name in ("published_at", "unpublish_at"):
                if name in self.changed_data:
                    self.add_error(name, forms.ValidationError(message, code="publish"))

    def opened_values(self):
        """The article's fields as the editor opened it, or None if the
        form did not say (an old page) or was tampered with."""
        try:
            return OPENED.unsign_object(
                self.data.get(self.add_prefix("opened_content"), "")
            )
        except signing.BadSignature:
            return None

    def check_not_changed_since_opened(self, opened):
        current = (
            Article.objects.filter(pk=self.instance.pk)
            .select_related("last_editor")
            .first()
        )
        if current is None or current.updated_at.isoformat() == opened:
            return
        theirs = article_version(current)
        self.data = self.data.copy()
        self.merge(self.opened_values(), theirs, current)
        # Let a second, deliberate save go through: the hidden fields now
        # carry the version the editor has been warned about.
        self.data[self.add_prefix("opened_version")] = current.updated_at.isoformat()
        self.data[self.add_prefix("opened_content")] = OPENED.sign_object(
            theirs, compress=True
        )
        when = formats.date_format(timezone.localtime(current.updated_at), "d.m.Y, H:i")
        who = self.last_changed_by(current, opened)
        self.add_error(
            None,
            forms.ValidationError(
                gettext(
                    "Dieser Artikel wurde geändert, seit Sie ihn geöffnet haben: "
                    "von %(who)s am %(when)s Uhr. Ihre Eingaben stehen noch im "
                    "Formular; was nur %(who)s geändert hat, ist übernommen. "
                    "Die Tabelle zeigt beide Fassungen. Prüfen Sie sie und "
                    "speichern Sie erneut."
                )
                % {"who": who, "when": when},
                code="changed_since_opened",
            ),
        )

    def last_changed_by(self, current, opened):
        """Who changed the article since `opened`: the last to tag it if
        that came later than the last save, else its last editor."""
        tagging = current.tag_changes.select_related("user").first()
        try:
            opened_at = datetime.datetime.fromisoformat(opened or "")
        except ValueError:
            opened_at = None
        if (
            tagging is not None
            and tagging.user is not None
            and (opened_at is None or tagging.created_at > opened_at)
        ):
            return tagging.user.username
        if current.last_editor:
            return current.last_editor.username
        return gettext("jemand")

    def merge(self, base, theirs, current):
        """Fill self.conflict with one row per field the other side changed
        and take their value into the form where the editor left the field
        as opened. Without `base`, every difference counts as both sides'."""
        fresh = type(self)(instance=current)
        for name in MERGED_FIELDS:
            if name not in self.fields or name not in self.cleaned_data:
                continue
            mine = comparable(name, self.cleaned_data[name])
            before = mine if base is None else base.get(name, "")
            if theirs[name] == before or theirs[name] == mine:
                continue  # the other side left it, or both agree
            taken = mine == before and base is not None
            if taken:
                self.set_data(name, fresh[name].value())
            self.conflict.append(
                {
                    "label": self.fields[name].label,
                    "mine": self.display(name, self.cleaned_data[name]),
                    "theirs": self.display(name, fresh[name].initial),
                    "taken": taken,
                }
            )

    def set_data(self, name, value):
        """Put `value` (as the unbound form holds it) into the posted data,
        as the browser would post it."""
        widget = self.fields[name].widget
        html_name = self.add_prefix(name)
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, (subwidget, part) in enumerate(
                zip(widget.widgets, parts, strict=True)
            ):
                self.data[f"{html_name}_{index}"] = subwidget.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                self.data[html_name] = "on"
            else:
                self.data.pop(html_name, None)
        else:
            self.data[html_name] = widget.format_value(value) or ""

    def display(self, name, value):
        """A field's value as the conflict table shows it."""
        if name == "body":
            return strip_tags(value or "")
        if name == "tags":
            return comparable(name, value)
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "d.m.Y H:i")
        if isinstance(value, bool):
            return gettext("ja") if value else gettext("nein")
        if name == "status":
            return dict(self.fields[name].choices).get(value, value)
        if isinstance(value, int) and name in ("municipality", "photo"):
            model = self.fields[name].queryset.model
            value = model.objects.filter(pk=value).first()
        return "" if value is None else str(value)


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


# German dates as readers type them, and ISO as <input type="date"> sends.
SEARCH_DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
# Beyond these a day cannot be turned into a time range (year 9999 has no
# following day), and no news lies there.
SEARCH_DATES = (datetime.date(1900, 1, 1), datetime.date(2999, 12, 31))


class SearchForm(forms.Form):
    """The reader's search: words, and filters for municipality, federal
    state and period (von/bis), each usable alone or with the others.
    Rejects what cannot be searched (no letter or digit, too long, NUL
    bytes, an unknown municipality or state, a date that is none, bis
    before von) with a German message instead of querying. Loads the
    municipalities for its choices once, in one query."""

    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        max_length=200,
        error_messages={
            "max_length": _("Bitte höchstens %(limit_value)d Zeichen eingeben."),
        },
    )
    kommune = forms.ChoiceField(
        label=_("Kommune"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Diese Kommune kennen wir nicht. Bitte eine aus der Liste wählen."
            )
        },
    )
    land = forms.ChoiceField(
        label=_("Bundesland"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Dieses Bundesland kennen wir nicht. Bitte eines aus der Liste wählen."
            )
        },
    )
    von = forms.DateField(
        label=_("von"),
        required=False,
        input_formats=SEARCH_DATE_FORMATS,
        error_messages={"invalid": _("Bitte ein Datum wie 01.03.2025 eingeben.")},
    )
    bis = forms.DateField(
        label=_("bis"),
        required=False,
        input_formats=SEARCH_DATE_FORMATS,
        error_messages={"invalid": _("Bitte ein Datum wie 31.03.2025 eingeben.")},
    )

    FILTERS = ("kommune", "land", "von", "bis")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {
            place.slug: place
            for place in Municipality.objects.only("name", "slug", "federal_state")
        }
        self.fields["kommune"].choices = [("", _("Alle Kommunen"))] + [
            (slug, place.name) for slug, place in self.municipalities.items()
        ]
        self.fields["land"].choices = [("", _("Alle Bundesländer"))] + [
            (state.slug, state.name) for state in State.all()
        ]

    def clean_q(self):
        text = self.cleaned_data["q"]
        if text and not any(char.isalnum() for char in text):
            raise forms.ValidationError(
                _("Bitte mindestens ein Wort oder eine Zahl eingeben."),
                code="no_words",
            )
        return text

    def clean_kommune(self):
        return self.municipalities.get(self.cleaned_data["kommune"])

    def clean_land(self):
        return State.from_slug(self.cleaned_data["land"])

    def clean_von(self):
        return self._clean_day("von")

    def clean_bis(self):
        return self._clean_day("bis")

    def _clean_day(self, name):
        day = self.cleaned_data[name]
        if day is not None and not SEARCH_DATES[0] <= day <= SEARCH_DATES[1]:
            raise forms.ValidationError(
                _("Bitte ein Datum zwischen %(first)s und %(last)s eingeben.")
                % {
                    "first": SEARCH_DATES[0].strftime("%d.%m.%Y"),
                    "last": SEARCH_DATES[1].strftime("%d.%m.%Y"),
                },
                code="out_of_range",
            )
        return day

    def clean(self):
        data = super().clean()
        first, last = data.get("von"), data.get("bis")
        if first and last and last < first:
            self.add_error(
                "bis",
                forms.ValidationError(
                    _("„bis“ darf nicht vor „von“ liegen."), code="bis_before_von"
                ),
            )
        place, state = data.get("kommune"), data.get("land")
        if place and state and place.federal_state != state.code:
            self.add_error(
                "kommune",
                forms.ValidationError(
                    _("%(place)s liegt nicht in %(state)s.")
                    % {"place": place.name, "state": state.name},
                    code="not_in_state",
                ),
            )
        if not self.errors and not data.get("q") and not self.has_filters():
            self.add_error(
                "q",
                forms.ValidationError(
                    _("Bitte einen Suchbegriff eingeben."),
                    code="required",
                ),
            )
        return data

    def has_filters(self):
        """Whether a filter is set (valid or not)."""
        return any(self.data.get(name) for name in self.FILTERS)

    def search(self, articles):
        """`articles` narrowed by the filters and searched for the words (a
        valid form only); see ArticleQuerySet.narrowed() and search()."""
        data = self.cleaned_data
        return articles.narrowed(
            municipality=data["kommune"],
            state=data["land"],
            first_day=data["von"],
            last_day=data["bis"],
        ).search(data["q"])

    def query_string(self):
        """The search as URL parameters, for the links to further pages:
        the given fields in form order, empty ones left out."""
        given = QueryDict(mutable=True)
        for name in self.fields:
            value = self.data.get(name, "")
            if value:
                given[name] = value
        return given.urlencode()

    def day_values(self):
        """{"von": …, "bis": …}: each valid date as ISO for <input
        type="date">, "" for one missing or invalid."""
        days = {}
        for name in ("von", "bis"):
            day = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            days[name] = day.isoformat() if day else ""
        return days


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


class AttachmentInlineFormSet(forms.BaseInlineFormSet):
    """The article screen's "Links und Downloads". A post without the
    formset's management fields (a form opened before they existed, a
    script posting the article alone) leaves the article's links and
    downloads as they are, instead of failing as Django would."""

    def __init__(self, data=None, *args, prefix=None, **kwargs):
        prefix = prefix or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data[f"{prefix}-TOTAL_FORMS"] = "0"
            data[f"{prefix}-INITIAL_FORMS"] = "0"
        super().__init__(data, *args, prefix=prefix, **kwargs)


# A host name as DNS allows it: labels of letters, digits and hyphens (not at
# either end), at least two of them, the last not all digits.
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class MastodonShareForm(forms.Form):
    """Where a reader shares an article on Mastodon: their instance's host
    name (e.g. mastodon.social). Only a bare host name passes, so the only
    place the share page redirects to is https://<host>/share."""

    instance = forms.CharField(
        label=_("Ihre Mastodon-Instanz"),
        max_length=253,
        help_text=_("Der Name Ihres Servers, z. B. mastodon.social"),
        error_messages={"required": _("Bitte geben Sie Ihre Mastodon-Instanz an.")},
    )

    def clean_instance(self):
        text = self.cleaned_data["instance"].strip().lower()
        # Readers paste the address they see: allow the scheme and a final slash.
        for prefix in ("https://", "http://"):
            text = text.removeprefix(prefix)
        text = text.rstrip("/")
        try:
            host = text.encode("idna").decode("ascii")
        except UnicodeError:
            host = ""
        labels = host.split(".")
        if (
            len(host) > 253
            or len(labels) < 2
            or not all(HOST_LABEL.match(label) for label in labels)
            or labels[-1].isdigit()
        ):
            raise forms.ValidationError(
                _(
                    "Bitte geben Sie nur den Namen Ihrer Instanz an, "
                    "z. B. mastodon.social."
                ),
                code="invalid_host",
            )
        return host
