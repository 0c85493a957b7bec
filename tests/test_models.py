from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import Article, ArticleStatus, Municipality, Tag
from tests.factories import make_article, make_credit, make_municipality

pytestmark = pytest.mark.django_db


def test_published_article_with_past_date_is_visible_to_readers():
    article = make_article(published_at=timezone.now() - timedelta(minutes=1))
    assert list(Article.objects.published()) == [article]


def test_scheduled_article_is_hidden_from_readers():
    make_article(published_at=timezone.now() + timedelta(minutes=1))
    assert not Article.objects.published().exists()


def test_draft_is_hidden_from_readers_even_with_a_past_date():
    make_article(status=ArticleStatus.DRAFT)
    assert not Article.objects.published().exists()


def test_publishing_without_a_date_fills_in_now():
    before = timezone.now()
    article = make_article(published_at=None)
    assert before <= article.published_at <= timezone.now()
    assert list(Article.objects.published()) == [article]


def test_kicker_defaults_to_the_municipality_name():
    essen = make_municipality(name="Essen")
    article = make_article(kicker="", municipality=essen)
    assert article.kicker == "Essen"


def test_article_without_municipality_or_kicker_is_refused_in_german():
    article = Article(
        title="Ohne Dachzeile",
        slug="ohne",
        lead="Vorspann.",
        status=ArticleStatus.PUBLISHED,
    )
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "Dachzeile" in str(error.value.message_dict["kicker"])


def test_slug_is_made_from_the_title_with_german_transliteration():
    article = make_article(slug="", title="Größere Bürgerbüros öffnen")
    assert article.slug == "groessere-buergerbueros-oeffnen"


def test_body_loses_scripts_event_handlers_and_javascript_links():
    article = make_article(
        body='<p onclick="steal()">Hallo <script>alert(1)</script>'
        '<a href="javascript:alert(2)">Link</a> <a href="https://essen.de">Essen</a>'
        "</p><h2>Zwischentitel</h2>"
    )
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert 'href="https://essen.de"' in article.body
    assert "<h2>Zwischentitel</h2>" in article.body


def test_tag_slugs_transliterate_umlauts():
    article = make_article(tags=["Bürgerportal", "Straßenbau"])
    assert sorted(article.tags.values_list("slug", flat=True)) == [
        "buergerportal",
        "strassenbau",
    ]


def test_tags_differing_only_in_case_are_one_tag():
    first = make_article(tags=["Open Data"])
    second = make_article(tags=["open data"])
    assert Tag.objects.count() == 1
    assert list(first.tags.all()) == list(second.tags.all())


def test_municipality_in_use_cannot_be_deleted():
    essen = make_municipality(name="Essen")
    article = make_article(municipality=essen)
    with pytest.raises(ProtectedError):
        essen.delete()
    assert Article.objects.filter(pk=article.pk).exists()


def test_image_credit_in_use_cannot_be_deleted():
    credit = make_credit()
    article = make_article(image_credit=credit)
    with pytest.raises(ProtectedError):
        credit.delete()
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("ags", ["0511300", "051130000", "05113A00"])
def test_official_municipality_key_must_have_eight_digits(ags):
    municipality = Municipality(name="Essen", slug="essen", ags=ags)
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "8 Ziffern" in str(error.value.message_dict["ags"])


def test_municipality_slug_is_made_from_its_name():
    assert make_municipality(name="Mönchengladbach").slug == "moenchengladbach"


def test_image_credit_reads_as_in_the_reference():
    credit = make_credit(creator="victor69", source="123rf.com")
    assert str(credit) == "victor69/123rf.com"
    assert credit.credit_line == "Bildquelle: victor69/123rf.com"


def test_own_photo_credit_names_only_the_creator():
    assert make_credit(creator="Stadt Essen", source="").credit_line == (
        "Bildquelle: Stadt Essen"
    )
