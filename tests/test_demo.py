"""The demo content (manage.py load_demo): the reference's stories, loaded
once however often the command runs."""

import pytest
from django.core.management import call_command

from articles.models import (
    AccessibilityStatement,
    Article,
    ArticleAuthor,
    ArticleKind,
    Author,
    Dossier,
    ImageCredit,
    Municipality,
    Page,
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


def test_demo_has_news_in_several_federal_states(client, demo_site):
    states = set(
        Article.objects.published()
        .exclude(municipality__federal_state="")
        .values_list("municipality__federal_state", flat=True)
    )
    assert len(states) >= 2
    response = client.get("/land/nordrhein-westfalen/")
    assert len(response.context["page_obj"]) > 0


def test_demo_has_two_authors_an_agency_story_and_a_corrected_one(client):
    call_command("load_demo")
    call_command("load_demo")

    assert list(Author.objects.values_list("name", flat=True)) == [
        "Anna Berger",
        "Jonas Weber",
    ]
    assert all(author.bio for author in Author.objects.all())
    essen = Article.objects.get(slug="essen-stadt-startet-tiktok-kanal")
    assert [author.name for author in essen.byline_authors()] == [
        "Anna Berger",
        "Jonas Weber",
    ]
    assert ArticleAuthor.objects.count() == 6  # three each, Essen has both
    assert Article.objects.filter(agency="dpa").count() == 1
    assert essen.is_substantively_updated
    assert essen.corrections.count() == 1
    html = client.get(essen.get_absolute_url()).content.decode()
    assert "Aktualisiert am" in html and "Korrekturhinweis" in html
    for author in Author.objects.all():
        assert client.get(author.get_absolute_url()).status_code == 200


def test_running_the_demo_again_keeps_what_editors_changed(demo_site):
    """`dev.py serve` loads the demo on every start: the accessibility
    statement and the Leichte Sprache page an editor rewrote stay theirs."""
    page = Page.objects.get(slug="leichte-sprache")
    page.body = "<p>Unser eigener Text.</p>"
    page.save()
    statement = AccessibilityStatement.objects.get()
    statement.contact_email = "redaktion@example.org"
    statement.save()

    call_command("load_demo")

    assert Page.objects.get(slug="leichte-sprache").body == "<p>Unser eigener Text.</p>"
    assert AccessibilityStatement.objects.get().contact_email == "redaktion@example.org"
