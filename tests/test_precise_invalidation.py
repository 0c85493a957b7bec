"""Precise invalidation: a change makes stale exactly the cached pages that
show it (articles, lists, sidebars), and nothing else."""

import random
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from articles.models import Article, ArticleStatus, Municipality, Tag, TaggedArticle
from articles.services import article_tags_set, articles_publish
from tests.factories import make_article, make_municipality, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def is_cached(url):
    """Whether an anonymous GET of `url` would be answered from the store."""
    key = page_cache.entry_key(RequestFactory().get(url))
    return key is not None and page_cache.store().get(key) is not None


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def build_archive(size, tags=80, places=20):
    """`size` published articles, one an hour, ids growing with time, each
    with 2–4 tags drawn with a Zipf-like frequency, as in a newsroom."""
    rng = random.Random(14)
    topics = Tag.objects.bulk_create(
        Tag(name=f"Thema {n}", slug=f"thema-{n}") for n in range(tags)
    )
    towns = Municipality.objects.bulk_create(
        Municipality(name=f"Ort {n}", slug=f"ort-{n}") for n in range(places)
    )
    start = timezone.now() - timedelta(hours=size + 1)
    articles = Article.objects.bulk_create(
        Article(
            kicker="Archiv",
            title=f"Archivmeldung {n}",
            slug=f"archiv-{n}",
            lead=f"Vorspann {n}.",
            municipality=rng.choice(towns),
            status=ArticleStatus.PUBLISHED,
            published_at=start + timedelta(hours=n),
        )
        for n in range(size)
    )
    weights = [1 / rank for rank in range(1, tags + 1)]
    links = []
    for article in articles:
        chosen = set()
        while len(chosen) < rng.randint(2, 4):
            chosen.add(rng.choices(topics, weights)[0])
        links += [TaggedArticle(content_object=article, tag=tag) for tag in chosen]
    TaggedArticle.objects.bulk_create(links)
    return articles, topics


@pytest.mark.parametrize("small_town", [False, True])
def test_retagging_one_article_keeps_the_other_article_pages_cached(
    committed, small_town
):
    articles, topics = build_archive(400)
    old = next(a for a in articles[10:] if topics[0] not in a.tags.all())
    if small_town:
        # The old article is among the newest of its municipality, a
        # candidate of every sidebar there: those pages change, no others.
        town = make_municipality(name="Kleinstadt")
        neighbours = [old.pk, *(a.pk for a in articles[200::100])]
        Article.objects.filter(pk__in=neighbours).update(municipality=town)
    reader = Client()
    urls = [article.get_absolute_url() for article in articles]
    for url in urls:
        text(reader, url)
    assert all(is_cached(url) for url in urls)

    # A moderator adds the busiest topic to an article from the first days.
    names = [tag.name for tag in old.tags.all()] + [topics[0].name]
    with committed():
        article_tags_set(article=old, names=names, user=make_user())

    still_cached = [url for url in urls if is_cached(url)]
    assert len(still_cached) / len(urls) >= 0.95
    assert old.get_absolute_url() not in still_cached
    # And no page is stale: each one, cached or not, is what a fresh render
    # shows.
    cached_pages = {url: text(reader, url) for url in urls}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(page_cache.PageCacheMiddleware, "handle", _uncached_handle)
        for url in urls:
            assert text(Client(), url) == cached_pages[url], url


def _uncached_handle(self, request):
    return self.get_response(request)


def test_published_article_reaches_its_lists_and_sidebars_only(committed):
    essen = make_municipality(name="Essen")
    bonn = make_municipality(name="Bonn")
    neighbour = make_article(title="Nachbar", municipality=essen, tags=["Open Data"])
    # An article about something else, whose sidebar is full of its own topic.
    elsewhere = make_article(title="Anderswo", municipality=bonn, tags=["Breitband"])
    for number in range(16):
        make_article(title=f"Glasfaser {number}", municipality=bonn, tags=["Breitband"])
    draft = make_article(
        title="Essen öffnet Daten",
        municipality=essen,
        tags=["Open Data"],
        status=ArticleStatus.DRAFT,
    )
    reader = Client()
    showing = [
        reverse("articles:index"),
        neighbour.get_absolute_url(),
        essen.get_absolute_url(),
        reverse("articles:topic", kwargs={"slug": "open-data"}),
        reverse("feeds:rss"),
        reverse("feeds:municipality_atom", kwargs={"slug": "essen"}),
        reverse("articles:archive"),
    ]
    for url in [*showing, elsewhere.get_absolute_url(), bonn.get_absolute_url()]:
        assert "Essen öffnet Daten" not in text(reader, url)

    with committed():
        articles_publish(articles=[draft], user=make_user())

    for url in showing:
        assert not is_cached(url), url
    for url in showing[:-1]:
        assert "Essen öffnet Daten" in text(reader, url), url
    assert is_cached(elsewhere.get_absolute_url())
    assert is_cached(bonn.get_absolute_url())
    assert "Essen öffnet Daten" not in text(reader, elsewhere.get_absolute_url())


def test_withdrawn_article_leaves_every_page_at_once(committed):
    article = make_article(title="Bald zurückgezogen", tags=["Open Data"])
    neighbour = make_article(title="Bleibt", tags=["Open Data"])
    reader = Client()
    urls = [
        reverse("articles:index"),
        neighbour.get_absolute_url(),
        reverse("articles:topic", kwargs={"slug": "open-data"}),
        reverse("feeds:atom"),
        reverse("articles:search") + "?q=zurückgezogen",
    ]
    for url in urls:
        assert "Bald zurückgezogen" in text(reader, url)

    with committed():
        article.unpublish()

    assert reader.get(article.get_absolute_url()).status_code == 404
    for url in urls:
        assert "Bald zurückgezogen" not in text(reader, url), url


def move_clock(monkeypatch, by):
    """Let time pass for Django and the page cache without waiting."""
    later = timezone.now() + by
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(page_cache.time, "time", lambda: later.timestamp())
    monkeypatch.setattr(page_cache, "REFRESH_SECONDS", 0)


def test_scheduled_article_appears_and_expiring_one_goes_on_time(monkeypatch):
    soon = timezone.now() + timedelta(hours=1)
    make_article(title="Geplante Meldung", published_at=soon)
    make_article(title="Befristete Meldung", unpublish_at=soon + timedelta(hours=1))
    reader = Client()
    home = reverse("articles:index")
    assert "Geplante Meldung" not in text(reader, home)
    assert is_cached(home)

    move_clock(monkeypatch, timedelta(hours=1, minutes=1))
    assert "Geplante Meldung" in text(reader, home)
    assert is_cached(home)  # and cached again at once, not after 10 minutes

    move_clock(monkeypatch, timedelta(hours=2, minutes=1))
    page = text(reader, home)
    assert "Befristete Meldung" not in page
    assert "Geplante Meldung" in page


def test_tracking_parameters_share_the_page_and_unknown_ones_are_not_stored():
    make_article(title="Eine Meldung")
    reader = Client()
    text(reader, "/?utm_source=newsletter&fbclid=abc")
    assert is_cached("/")  # the canonical URL is what is stored
    text(reader, "/?x=1")
    text(reader, "/?nocache=2")
    assert not is_cached("/?x=1")
    assert page_cache.entry_key(RequestFactory().get("/?x=1")) is None


def test_search_filters_are_cached_on_the_search_page_only():
    """A flood of /artikel/…?von=<random> must not fill the cache: only the
    search page reads its filters."""
    article = make_article(title="Eine Meldung")
    reader = Client()
    for url in (f"{article.get_absolute_url()}?von=2025-01-01", "/?land=bayern"):
        text(reader, url)
        assert page_cache.entry_key(RequestFactory().get(url)) is None
    text(reader, "/suche/?q=Meldung&von=2025-01-01")
    assert is_cached("/suche/?q=Meldung&von=2025-01-01")
