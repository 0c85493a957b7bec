"""The photo library: each photo once, with its alt text, caption, credit and
focal point, reused by as many articles as show it."""

from functools import partial

import reversion
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from ..cache_keys import photo_keys
from ..page_cache import shown_to_readers
from ..photos import (
    delete_files,
    make_renditions,
    rendition_names,
    validate_photo,
    without_metadata,
    write_renditions,
)
from .credits import ImageCredit


class PhotoQuerySet(models.QuerySet):
    def with_published_rendition(self, name):
        """Photos that a published article or dossier, or the page of an
        author with published articles, shows and that have the stored
        rendition `name` (e.g. "renditions/2025/04/3f…-800.webp")."""
        if not name.startswith("renditions/") or not name.endswith((".webp", ".jpeg")):
            return self.none()
        published = apps.get_model("articles", "Article").objects.published()
        authors = apps.get_model("articles", "Author").objects.with_published_news()
        dossiers = apps.get_model("articles", "Dossier").objects.published()
        shown = (
            Q(articles__in=published)
            | Q(authors__in=authors)
            | Q(pk__in=dossiers.values("photo"))
        )
        return self.filter(shown, renditions__icontains=name)

    def search(self, text):
        """Photos whose caption, alt text or credit contains every word."""
        photos = self
        for word in text.split():
            photos = photos.filter(
                Q(caption__icontains=word)
                | Q(alt_text__icontains=word)
                | Q(credit__creator__icontains=word)
                | Q(credit__source__icontains=word)
            )
        return photos


@shown_to_readers(keys=photo_keys)
@reversion.register()
class Photo(models.Model):
    image = models.ImageField(
        _("Bilddatei"),
        upload_to="photos/%Y/%m/",
        width_field="image_width",
        height_field="image_height",
        validators=[validate_photo],
        help_text=_("JPEG, PNG oder WebP, höchstens 10 MB und 40 Megapixel."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Stored at upload so feeds can state each photo's length without asking
    # the storage (a network call per item on object storage).
    image_size = models.PositiveIntegerField(
        _("Dateigröße (Bytes)"), null=True, blank=True, editable=False
    )
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=250,
        blank=True,
        help_text=_(
            "Beschreibt, was auf dem Foto zu sehen ist, für Menschen, die es "
            "nicht sehen können."
        ),
    )
    caption = models.CharField(_("Bildunterschrift"), max_length=300, blank=True)
    credit = models.ForeignKey(
        ImageCredit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("Bildnachweis"),
    )
    # Where the subject is, as fractions of width and height from the top
    # left corner: crops keep it in view.
    focal_x = models.FloatField(
        _("Fokuspunkt waagerecht"),
        default=0.5,
        help_text=_(
            "0 = linker Rand, 1 = rechter Rand; am einfachsten im Foto klicken."
        ),
    )
    focal_y = models.FloatField(
        _("Fokuspunkt senkrecht"),
        default=0.5,
        help_text=_("0 = oberer Rand, 1 = unterer Rand."),
    )
    # Made from `image` on save (see articles/photos.py) so pages need no
    # storage call.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1)
                & Q(focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_inside",
                violation_error_message=_(
                    "Der Fokuspunkt muss innerhalb des Fotos liegen."
                ),
            )
        ]

    def __str__(self):
        label = self.caption or self.alt_text or self.image.name.rsplit("/", 1)[-1]
        return f"{label} ({self.credit})" if self.credit_id else label

    def save(self, *args, **kwargs):
        # Strip first, so that the stored size is that of the stripped file.
        if self.image and not self.image._committed:  # a new upload
            self.image = without_metadata(self.image)
        self.fill_image_size()
        super().save(*args, **kwargs)
        self.update_renditions()

    def stored_files(self):
        """The names of the original and renditions this photo keeps."""
        return [self.image.name, *rendition_names(self.renditions)]

    @property
    def thumbnail_url(self):
        """The smallest JPEG rendition's URL, for the admin; "" before the
        renditions exist."""
        jpeg = self.renditions.get("jpeg", "")
        return jpeg.split(", ")[0].rsplit(" ", 1)[0] if jpeg else ""

    def update_renditions(self):
        """Make the photo's renditions once, when its file or focal point has
        changed. The files are written, and those no longer used deleted,
        once the transaction commits: storage writes are network calls with
        object storage, and a rolled-back save must leave nothing behind."""
        focus = [self.focal_x, self.focal_y]
        made = self.renditions
        if made.get("source") == self.image.name and made.get("focus") == focus:
            return
        replaced = rendition_names(made)
        if made.get("source") and made["source"] != self.image.name:
            replaced.append(made["source"])
        self.renditions, files = make_renditions(self.image, focus=focus)
        Photo.objects.filter(pk=self.pk).update(renditions=self.renditions)
        transaction.on_commit(partial(write_renditions, files))
        if replaced:
            transaction.on_commit(partial(delete_unused_files, replaced))

    def fill_image_size(self):
        """The photo's size in bytes: from the upload in hand, or asked from the
        storage once for a file that arrived some other way (code that swaps a
        stored photo by name sets image_size to None so it is asked again)."""
        if not self.image:
            self.image_size = None
        elif not self.image._committed or self.image_size is None:
            # _committed is False only for a file not yet in the storage.
            self.image_size = self.image.size

    def publishing_errors(self):
        """{field: message} for what readers need of a photo: alt text and
        credit (Article.check_publishable() reports them)."""
        errors = {}
        if not self.alt_text.strip():
            errors["alt_text"] = _(
                "Zum Veröffentlichen braucht das Foto einen Alternativtext."
            )
        if not self.credit_id:
            errors["image_credit"] = _(
                "Zum Veröffentlichen braucht das Foto einen Bildnachweis."
            )
        return errors


def delete_unused_files(names):
    """Delete the stored files `names` that no photo uses any more (photos
    moved into the library may share a file; renditions of the same content
    share a name)."""
    names = set(names)
    in_use = Q(image__in=names)
    for name in names:
        in_use |= Q(renditions__icontains=name.rsplit("/", 1)[-1])
    for photo in Photo.objects.filter(in_use).only("image", "renditions"):
        names -= set(photo.stored_files())
    delete_files(sorted(names))


@receiver(post_delete, sender=Photo)
def delete_photo_files(sender, instance, **kwargs):
    """A deleted photo's original and renditions go from the storage too,
    once the deletion has committed."""
    transaction.on_commit(partial(delete_unused_files, instance.stored_files()))
