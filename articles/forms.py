from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from .models import Article

# What the editor's toolbar offers. The stored body is cleaned by
# articles.models.clean_body() on save, whatever the browser sends.
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


class ArticleAdminForm(forms.ModelForm):
    """The editors' form: a WYSIWYG body and optimistic locking.

    `opened_version` carries the article's `updated_at` as the editor opened
    it; a save over a newer version is refused, and the editor's input stays
    in the form."""

    body = ProseEditorFormField(
        label=_("Text"), required=False, config=BODY_EDITOR, widget=AdminTextareaWidget
    )
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["opened_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self.check_not_changed_since_opened(cleaned_data.get("opened_version"))
        return cleaned_data

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
