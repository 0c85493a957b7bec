"""Small builders for test data: each fills sensible defaults, a test sets
only what it is about."""

import io
from datetime import datetime, timedelta
from itertools import count

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import MultiWidget
from django.test import TestCase
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleStatus,
    Author,
    ImageCredit,
    Municipality,
    Photo,
    TaggedArticle,
)
from articles.two_factor import has_device, is_required

_numbers = count(1)


def berlin(*args):
    """An aware datetime in the site's time zone: berlin(2025, 3, 31, 23, 30)."""
    return timezone.make_aware(datetime(*args))


def make_municipality(**fields):
    number = next(_numbers)
    fields.setdefault("name", f"Musterstadt {number}")
    return Municipality.objects.create(**fields)


def make_credit(**fields):
    fields.setdefault("creator", f"fotograf{next(_numbers)}")
    fields.setdefault("source", "123rf.com")
    return ImageCredit.objects.create(**fields)


def make_jpeg(name="foto.jpg", size=(800, 450), color=(0, 80, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_photo(**fields):
    """A library photo: a small JPEG unless `fields` give an `image`. Its
    renditions are written at once, as after the commit that a test's
    transaction never reaches."""
    fields.setdefault("image", make_jpeg())
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Photo.objects.create(**fields)


# Article fields of old that now describe its photo: make_article() takes
# them and puts them into a library photo.
PHOTO_ARGUMENTS = {
    "image": "image",
    "alt_text": "alt_text",
    "caption": "caption",
    "image_credit": "credit",
    "focal_x": "focal_x",
    "focal_y": "focal_y",
}


def make_author(**fields):
    """An author for bylines: "Autorin 7" unless `fields` name one."""
    fields.setdefault("name", f"Autorin {next(_numbers)}")
    return Author.objects.create(**fields)


def make_article(*, tags=(), authors=(), **fields):
    """A published article from an hour ago unless `fields` say otherwise.
    `image`, `alt_text`, `caption` and `image_credit` make its photo (with
    make_photo()) unless `photo` is given; `authors` its byline, in order."""
    photo_fields = {
        PHOTO_ARGUMENTS[name]: fields.pop(name)
        for name in list(fields)
        if name in PHOTO_ARGUMENTS
    }
    if photo_fields.get("image"):
        fields.setdefault("photo", make_photo(**photo_fields))
    number = next(_numbers)
    fields.setdefault("title", f"Meldung {number}")
    fields.setdefault("slug", f"meldung-{number}")
    fields.setdefault("kicker", "Musterstadt")
    fields.setdefault("lead", f"Vorspann der Meldung {number}.")
    fields.setdefault("body", f"<p>Text der Meldung {number}.</p>")
    fields.setdefault("status", ArticleStatus.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    article = Article.objects.create(**fields)
    if tags:
        article.tags.set(tags)
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    return article


def make_archive(size, *, tags=(), step=timedelta(hours=1), **fields):
    """`size` articles alike, newest first: the first from make_article(),
    the others copied from it with bulk inserts, each `step` older (photo,
    municipality and tags included, the photo shared). Quick at any size,
    for the archives that query budgets are measured on."""
    first = make_article(tags=tags, **fields)
    values = {
        field.attname: field.value_from_object(first)
        for field in Article._meta.concrete_fields
        # PostgreSQL's trigger writes the search columns of every new row.
        if not field.primary_key and field.name not in Article.SEARCH_INDEX_FIELDS
    }
    copies = Article.objects.bulk_create(
        (
            Article(
                **values
                | {
                    "title": f"{first.title} ({number})",
                    "slug": f"{first.slug}-{number}",
                    "published_at": first.published_at - step * number,
                }
            )
            for number in range(1, size)
        ),
        batch_size=2000,
    )
    first_tags = list(first.tags.all())
    TaggedArticle.objects.bulk_create(
        (
            TaggedArticle(content_object_id=copy.pk, tag=tag)
            for copy in copies
            for tag in first_tags
        ),
        batch_size=2000,
    )
    return [first, *copies]


# Every way an article is hidden from readers, as the fields that make it so.
# Each test of "nothing unpublished" runs once per entry.
HIDDEN_STATES = {
    "draft": lambda: {"status": ArticleStatus.DRAFT},
    "scheduled": lambda: {"published_at": timezone.now() + timedelta(days=1)},
    "in review": lambda: {"status": ArticleStatus.REVIEW},
    "archived": lambda: {"status": ArticleStatus.ARCHIVED},
    "expired": lambda: {"unpublish_at": timezone.now() - timedelta(minutes=1)},
}


def make_hidden_article(state, **fields):
    """An article in HIDDEN_STATES[state] that readers must never see."""
    return make_article(**{**fields, **HIDDEN_STATES[state]()})


PASSWORD = "geheim-123"


def make_user(*, groups=(), **fields):
    """A staff user (not superuser) in `groups`, e.g. ("Moderation",), with
    the password PASSWORD."""
    fields.setdefault("username", f"user{next(_numbers)}")
    fields.setdefault("is_staff", True)
    user = User.objects.create_user(password=PASSWORD, **fields)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def make_totp_device(user, **fields):
    """A confirmed authenticator app for `user` (django-otp's TOTP)."""
    fields.setdefault("name", "Authenticator-App")
    return TOTPDevice.objects.create(user=user, confirmed=True, **fields)


def totp_code(device, steps=0):
    """The code `device`'s app shows now (or `steps` time steps later), as
    the user types it: six digits."""
    code = totp(device.bin_key, step=device.step, drift=device.drift + steps)
    return f"{code:06d}"


def log_in_with_second_factor(client, user):
    """Log `client` in as `user` with a session verified by a second factor,
    as after password and code (django_otp.login's session key). Gives the
    user an authenticator app if they have none; returns `client`."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = (device or make_totp_device(user)).persistent_id
    session.save()
    return client


def log_in_in_browser(page, base_url, user, password=PASSWORD):
    """Log `user` in to the admin at `base_url` in the Playwright `page`, as
    a person would: the password, then, where the site asks for it, the code
    of their authenticator app (one is set up for users who need it)."""
    if is_required(user) and not has_device(user):
        make_totp_device(user)
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/zwei-faktor/" in page.url:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Bestätigen").click()
        page.wait_for_url(lambda url: "/zwei-faktor/" not in url)


def article_form(**fields):
    """POST data of the editors' article form: a complete article, ready to
    publish, with `fields` changed (e.g. status=ArticleStatus.DRAFT,
    image=make_jpeg())."""
    data = {
        "kicker": "Essen",
        "title": "Stadt startet TikTok-Kanal",
        "slug": "tiktok",
        "lead": "Nun kommt TikTok dazu.",
        "body": "<p>Text</p>",
        "status": ArticleStatus.PUBLISHED,
        "published_at_0": "10.04.2025",
        "published_at_1": "09:30:00",
        "unpublish_at_0": "",
        "unpublish_at_1": "",
        "tags": "",
    }
    return data | fields


def admin_form_data(response):
    """The POST data of the admin form that `response` rendered, the way a
    browser would submit it unchanged (the photo is not sent again)."""
    form = response.context["adminform"].form
    data = {}
    for bound_field in form:
        widget = bound_field.field.widget
        value = bound_field.value()
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, (subwidget, part) in enumerate(
                zip(widget.widgets, parts, strict=True)
            ):
                data[f"{bound_field.html_name}_{index}"] = (
                    subwidget.format_value(part) or ""
                )
        elif value is not None and bound_field.name != "image":
            data[bound_field.html_name] = widget.format_value(value) or ""
    return data
