"""Small builders for test data: each fills sensible defaults, a test sets
only what it is about."""

import io
from datetime import timedelta
from itertools import count

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleStatus, ImageCredit, Municipality

_numbers = count(1)


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


def make_article(*, tags=(), **fields):
    """A published article from an hour ago unless `fields` say otherwise."""
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
    return article


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
