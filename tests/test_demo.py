"""The demo content (manage.py load_demo): the reference's stories, loaded
once however often the command runs."""

import pytest
from django.core.management import call_command

from articles.models import (
    Article,
    ArticleKind,
    Dossier,
    ImageCredit,
    Municipality,
    Tag,
)

pytestmark = pytest.mark.django_db


def test_demo_content_loads_the_reference_stories_once(client):
    call_command("load_demo")
    call_command("load_demo")

    assert Article.objects.published().count() == 18  # with a press release, a comment
    assert Municipality.objects.count() == 13
    assert ImageCredit.objects.count() == 1
    assert Tag.objects.count() > 5
    essen = Article.objects.get(slug="essen-stadt-startet-tiktok-kanal")
    assert essen.kicker == "Essen"
    assert essen.photo.image and essen.photo.alt_text
    assert str(essen.photo.credit) == "victor69/123rf.com"
    nolis = Article.objects.get(kicker="Nolis")
    assert nolis.municipality is None
    assert nolis.kind == ArticleKind.SPONSORED
    assert 'rel="sponsored noopener noreferrer"' in nolis.body
    kinds = set(Article.objects.values_list("kind", flat=True))
    assert kinds == set(ArticleKind.values)
    dossier = Dossier.objects.published().get()
    assert dossier.photo.alt_text and str(dossier.photo.credit) == "victor69/123rf.com"
    assert list(dossier.articles.all()[:1]) == [essen]


def test_demo_essen_page_has_fifteen_related_teasers(client, demo_site):
    essen = Article.objects.get(slug="essen-stadt-startet-tiktok-kanal")
    response = client.get(essen.get_absolute_url())
    teasers = response.context["related_articles"]
    assert len(teasers) == 15
    assert teasers[0].title == "Digitales Rathaus ist eröffnet"
    assert "[09.04.2025]" in response.content.decode()
