"""What readers may see (Article.objects.published()), the article's own
rules on save and on publishing, and the workflow: statuses, scheduling,
end of publication."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, ArticleStatus
from tests.factories import (
    make_article,
    make_credit,
    make_municipality,
    make_photo,
)

pytestmark = pytest.mark.django_db


# The published() rule


def test_published_article_with_past_date_is_visible_to_readers():
    article = make_article(published_at=timezone.now() - timedelta(minutes=1))
    assert list(Article.objects.published()) == [article]


def test_scheduled_article_is_hidden_from_readers():
    make_article(published_at=timezone.now() + timedelta(minutes=1))
    assert not Article.objects.published().exists()


@pytest.mark.parametrize(
    "status", [ArticleStatus.DRAFT, ArticleStatus.REVIEW, ArticleStatus.ARCHIVED]
)
def test_only_published_status_reaches_readers_even_with_a_past_date(status):
    article = make_article(status=status)
    assert not Article.objects.published().exists()
    assert not article.is_published


def test_scheduled_article_appears_by_itself_when_its_time_comes(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article(published_at=timezone.now() + timedelta(hours=2))
    assert not Article.objects.published().exists()
    assert article.is_scheduled

    time_machine.shift(timedelta(hours=2))

    assert list(Article.objects.published()) == [article]
    assert article.is_published and not article.is_scheduled


def test_article_leaves_the_site_by_itself_at_its_end_of_publication(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article(unpublish_at=timezone.now() + timedelta(hours=2))
    assert list(Article.objects.published()) == [article]

    time_machine.shift(timedelta(hours=2))

    assert not Article.objects.published().exists()
    assert not article.is_published
    assert article.is_expired
    assert list(Article.objects.expired()) == [article]


def test_statuses_have_german_labels():
    assert [label for _, label in ArticleStatus.choices] == [
        "Entwurf",
        "In Prüfung",
        "Veröffentlicht",
        "Archiviert",
    ]


# What save() fills in


def test_publishing_without_a_date_fills_in_now():
    before = timezone.now()
    article = make_article(published_at=None)
    assert before <= article.published_at <= timezone.now()
    assert list(Article.objects.published()) == [article]


def test_kicker_defaults_to_the_municipality_name():
    essen = make_municipality(name="Essen")
    article = make_article(kicker="", municipality=essen)
    assert article.kicker == "Essen"


def test_slug_is_made_from_the_title_with_german_transliteration():
    article = make_article(slug="", title="Größere Bürgerbüros öffnen")
    assert article.slug == "groessere-buergerbueros-oeffnen"


# Drafts may be incomplete; publishing checks


def test_incomplete_draft_may_be_saved():
    draft = Article(status=ArticleStatus.DRAFT, photo=make_photo())
    draft.full_clean()
    draft.save()
    assert Article.objects.get().status == ArticleStatus.DRAFT


def test_two_drafts_without_slug_may_coexist():
    for _ in range(2):
        Article(status=ArticleStatus.DRAFT).save()
    assert Article.objects.filter(slug="").count() == 2


def test_publishing_needs_title_kicker_slug_and_lead_in_german():
    article = Article(status=ArticleStatus.DRAFT)
    with pytest.raises(ValidationError) as error:
        article.publish()
    errors = error.value.message_dict
    assert sorted(errors) == ["kicker", "lead", "slug", "title"]
    assert errors["lead"] == ["Zum Veröffentlichen fehlt der Vorspann."]
    # Without a municipality there is no kicker to fall back on.
    assert "Dachzeile" in errors["kicker"][0]
    assert not Article.objects.exists()


def test_publishing_a_photo_needs_alt_text_and_credit():
    photo = make_photo()  # from the library, as another story left it
    article = make_article(status=ArticleStatus.DRAFT, photo=photo)
    with pytest.raises(ValidationError) as error:
        article.publish()
    assert sorted(error.value.message_dict) == ["alt_text", "image_credit"]
    assert "Bildnachweis" in error.value.message_dict["image_credit"][0]
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT

    photo.alt_text = "Ein Smartphone"
    photo.credit = make_credit()
    photo.save()
    article = Article.objects.get(pk=article.pk)
    article.publish()
    assert list(Article.objects.published()) == [article]


def test_publishing_with_a_slug_in_use_is_refused():
    make_article(slug="tiktok")
    article = make_article(status=ArticleStatus.DRAFT, slug="tiktok-2")
    article.slug = "tiktok"
    with pytest.raises(ValidationError) as error:
        article.publish()
    assert "Kurznamen in der URL" in str(error.value)


def test_end_of_publication_before_the_start_is_refused_in_german():
    now = timezone.now()
    article = make_article(published_at=now, unpublish_at=now - timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "Ende der Veröffentlichung" in str(error.value.message_dict["unpublish_at"])


# Publish, schedule, unpublish


def test_publish_now_brings_a_scheduled_date_forward_and_keeps_a_past_one():
    now = timezone.now()
    scheduled = make_article(published_at=now + timedelta(days=1))
    scheduled.publish()
    assert scheduled.published_at <= timezone.now()

    earlier = now - timedelta(days=30)
    withdrawn = make_article(status=ArticleStatus.DRAFT, published_at=earlier)
    withdrawn.publish()
    assert withdrawn.published_at == earlier
    assert withdrawn.is_published


def test_publish_at_a_future_time_schedules():
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    article.publish(at=timezone.now() + timedelta(days=1))
    assert article.is_scheduled
    assert list(Article.objects.scheduled()) == [article]


def test_unpublish_makes_a_draft_again():
    article = make_article()
    article.unpublish()
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert not Article.objects.published().exists()
