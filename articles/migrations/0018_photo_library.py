"""The photo library: each article's photo fields become a Photo that the
article points to. Nothing is lost: the stored file, its renditions (the
same files, so their URLs keep working), size, alt text, caption and credit
move over, and the article's saved versions (django-reversion) are rewritten
to point to the photo, so they still restore and compare. Articles that show
the same file with the same description share one photo."""

import json

from django.contrib.auth.management import create_permissions
import articles.photos
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PHOTO_FIELDS = (
    "image",
    "image_width",
    "image_height",
    "image_size",
    "alt_text",
    "caption",
    "renditions",
    "image_credit",
)


class Library:
    """Finds or makes the Photo for one set of an article's photo fields."""

    def __init__(self, apps):
        self.Photo = apps.get_model("articles", "Photo")
        self.photos = {}

    def photo_for(self, fields, *, uploaded_at, uploaded_by):
        if not fields.get("image"):
            return None
        key = (
            fields["image"],
            fields.get("alt_text") or "",
            fields.get("caption") or "",
            fields.get("image_credit"),
        )
        if key not in self.photos:
            photo = self.Photo.objects.create(
                image=fields["image"],
                image_width=fields.get("image_width"),
                image_height=fields.get("image_height"),
                image_size=fields.get("image_size"),
                alt_text=fields.get("alt_text") or "",
                caption=fields.get("caption") or "",
                credit_id=fields.get("image_credit"),
                renditions=fields.get("renditions") or {},
                uploaded_by_id=uploaded_by,
            )
            if uploaded_at is not None:  # auto_now_add set it to now
                self.Photo.objects.filter(pk=photo.pk).update(uploaded_at=uploaded_at)
            self.photos[key] = photo.pk
        return self.photos[key]


def article_versions(apps):
    Version = apps.get_model("reversion", "Version")
    return Version.objects.filter(
        content_type__app_label="articles", content_type__model="article"
    ).order_by("pk")


def move_photos_into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    library = Library(apps)
    for article in Article.objects.exclude(image="").order_by("pk").iterator():
        fields = {name: getattr(article, name) for name in PHOTO_FIELDS}
        fields["image"] = article.image.name
        fields["image_credit"] = article.image_credit_id
        article.photo_id = library.photo_for(
            fields, uploaded_at=article.created_at, uploaded_by=article.author_id
        )
        Article.objects.filter(pk=article.pk).update(photo=article.photo_id)
    for version in article_versions(apps).iterator():
        data = json.loads(version.serialized_data)
        fields = data[0]["fields"]
        if "image" not in fields:
            continue
        moved = {name: fields.pop(name, None) for name in PHOTO_FIELDS}
        fields["photo"] = library.photo_for(
            moved, uploaded_at=None, uploaded_by=fields.get("author")
        )
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])
    check_constraints_now(schema_editor)


def check_constraints_now(schema_editor):
    """PostgreSQL checks foreign keys at commit; the columns dropped next
    cannot be altered while those checks are pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def grant_photo_permissions(apps, schema_editor):
    """Editors (Redaktion) keep the photo library as they kept credits."""
    articles = apps.get_app_config("articles")
    articles.models_module = True  # create_permissions() skips it otherwise
    create_permissions(articles, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Redaktion")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=[
                f"{action}_photo" for action in ("add", "change", "delete", "view")
            ],
        )
    )


def move_photos_back(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("articles", "Photo")
    photos = {photo.pk: photo for photo in Photo.objects.all()}

    def fields_of(photo):
        return {
            "image": photo.image.name,
            "image_width": photo.image_width,
            "image_height": photo.image_height,
            "image_size": photo.image_size,
            "alt_text": photo.alt_text,
            "caption": photo.caption,
            "renditions": photo.renditions,
            "image_credit": photo.credit_id,
        }

    for article in Article.objects.exclude(photo=None).iterator():
        for name, value in fields_of(photos[article.photo_id]).items():
            setattr(article, "image_credit_id" if name == "image_credit" else name, value)
        article.save()
    for version in article_versions(apps).iterator():
        data = json.loads(version.serialized_data)
        fields = data[0]["fields"]
        photo = photos.get(fields.pop("photo", None))
        if photo is not None:
            fields.update(fields_of(photo))
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])
    check_constraints_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_newsletters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name='Photo',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', models.ImageField(height_field='image_height', help_text='JPEG, PNG oder WebP, höchstens 10 MB und 40 Megapixel.', upload_to='photos/%Y/%m/', validators=[articles.photos.validate_photo], verbose_name='Bilddatei', width_field='image_width')),
                ('image_width', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('image_height', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('image_size', models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='Dateigröße (Bytes)')),
                ('alt_text', models.CharField(blank=True, help_text='Beschreibt, was auf dem Foto zu sehen ist, für Menschen, die es nicht sehen können.', max_length=250, verbose_name='Alternativtext')),
                ('caption', models.CharField(blank=True, max_length=300, verbose_name='Bildunterschrift')),
                ('focal_x', models.FloatField(default=0.5, help_text='0 = linker Rand, 1 = rechter Rand; am einfachsten im Foto klicken.', verbose_name='Fokuspunkt waagerecht')),
                ('focal_y', models.FloatField(default=0.5, help_text='0 = oberer Rand, 1 = unterer Rand.', verbose_name='Fokuspunkt senkrecht')),
                ('renditions', models.JSONField(blank=True, default=dict, editable=False)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='hochgeladen am')),
                ('credit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='articles.imagecredit', verbose_name='Bildnachweis')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='hochgeladen von')),
            ],
            options={
                'verbose_name': 'Foto',
                'verbose_name_plural': 'Fotos',
                'ordering': ['-uploaded_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='photo',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='articles.photo', verbose_name='Foto'),
        ),
        migrations.AddConstraint(
            model_name='photo',
            constraint=models.CheckConstraint(condition=models.Q(('focal_x__gte', 0), ('focal_x__lte', 1), ('focal_y__gte', 0), ('focal_y__lte', 1)), name='photo_focal_point_inside', violation_error_message='Der Fokuspunkt muss innerhalb des Fotos liegen.'),
        ),
        migrations.RunPython(move_photos_into_library, move_photos_back),
        migrations.RunPython(grant_photo_permissions, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='article',
            name='alt_text',
        ),
        migrations.RemoveField(
            model_name='article',
            name='caption',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_credit',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_height',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_size',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_width',
        ),
        migrations.RemoveField(
            model_name='article',
            name='renditions',
        ),
    ]
