"""Links und Downloads: external links and files shown in a box below an
article, in the order the editor puts them."""

from functools import partial
from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from ..downloads import (
    DOWNLOAD_KINDS,
    download_kind,
    offered_name,
    stored_name,
    validate_download,
)
from ..page_cache import shown_to_readers
from ..photos import delete_files


def attachment_keys(old, new):
    """A link or download changed: the page of its article shows it."""
    return {f"article-{state.article_id}" for state in (old, new) if state}


class ArticleAttachmentQuerySet(models.QuerySet):
    def with_published_file(self, name):
        """Downloads stored as `name` (e.g. "downloads/2025/04/3f….pdf") that
        a published article offers."""
        if not name.startswith("downloads/"):
            return self.none()
        from .articles import Article

        return self.filter(file=name, article__in=Article.objects.published())


@shown_to_readers(keys=attachment_keys)
class ArticleAttachment(models.Model):
    """An external link (title and URL) or a file (title and upload)."""

    article = models.ForeignKey(
        "articles.Article",
        models.CASCADE,
        related_name="attachments",
        verbose_name=_("Artikel"),
    )
    title = models.CharField(
        _("Titel"),
        max_length=200,
        help_text=_("z. B. „Studie Digitale Verwaltung 2025“."),
    )
    url = models.URLField(
        _("Link"),
        max_length=500,
        blank=True,
        # Only http and https; the field alone would also accept ftp.
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_(
                    "Bitte eine vollständige Webadresse angeben, die mit "
                    "http:// oder https:// beginnt."
                ),
            )
        ],
        help_text=_(
            "Für einen Link: die Adresse mit https://, z. B. "
            "„https://www.onlinezugangsgesetz.de/“. Leer lassen bei einer Datei."
        ),
    )
    file = models.FileField(
        _("Datei"),
        upload_to=stored_name,
        max_length=200,
        blank=True,
        validators=[validate_download],
        help_text=_(
            "Für einen Download: PDF, ODT, ODS, DOCX, XLSX oder CSV, höchstens "
            "20 MB. Leer lassen bei einem Link."
        ),
    )
    # Read from the file's bytes and stored at upload, so that pages name
    # type and size without asking the storage.
    file_kind = models.CharField(
        _("Dateityp"), max_length=10, blank=True, editable=False
    )
    file_size = models.PositiveIntegerField(
        _("Dateigröße (Bytes)"), null=True, blank=True, editable=False
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # The article page's ETag and Last-Modified take it into account.
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = ArticleAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Link oder Download")
        verbose_name_plural = _("Links und Downloads")
        ordering = ["article_id", "position", "pk"]
        # /media/downloads/… asks for the row holding a file (views.py).
        indexes = [models.Index(fields=["file"], name="attachment_file")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="attachment_link_or_file",
                violation_error_message=_(
                    "Bitte entweder einen Link oder eine Datei angeben, nicht "
                    "beides und nicht keins."
                ),
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        is_new_upload = bool(self.file) and not self.file._committed
        replaced = None
        if self.pk and (is_new_upload or not self.file):  # the stored file goes
            replaced = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("file", flat=True)
                .first()
            )
        if is_new_upload:
            self.file_kind = download_kind(self.file)
            self.file_size = self.file.size
        elif not self.file:
            self.file_kind, self.file_size = "", None
        super().save(*args, **kwargs)
        if replaced and replaced != self.file.name:
            transaction.on_commit(partial(delete_files, [replaced]))

    @property
    def is_download(self):
        return bool(self.file)

    @property
    def kind_label(self):
        """ "PDF", "XLSX", …: what readers are told the file is."""
        return DOWNLOAD_KINDS.get(self.file_kind, ("", ""))[0]

    @property
    def host(self):
        """The link's host without "www.", e.g. "bund.de"."""
        return urlsplit(self.url).hostname.removeprefix("www.") if self.url else ""

    def download_name(self):
        """The name readers' browsers save the file under."""
        return offered_name(self.title, self.file_kind)


@receiver(post_delete, sender=ArticleAttachment)
def delete_attachment_file(sender, instance, **kwargs):
    """A deleted download's file goes from the storage too, once the
    deletion has committed."""
    if instance.file:
        transaction.on_commit(partial(delete_files, [instance.file.name]))
