"""Nothing unpublished reaches a reader, by any path.

One crawl, as an anonymous reader, of every reader URL: everything linked
from the home page onwards (pages, sidebars, media, feeds, sitemaps), plus the
feeds, sitemaps, searches and hidden URLs that no page links to. Articles in
every hidden state carry marker words in each field; none may turn up.
"""

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.urls import reverse

from articles.models import ArticleStatus, Dossier, DossierEntry, Tag
from tests.factories import (
    HIDDEN_STATES,
    berlin,
    make_article,
    make_credit,
    make_jpeg,
    make_municipality,
)
from tests.html import parse_html

pytestmark = pytest.mark.django_db

MAX_URLS = 500
# A month only hidden articles were "published" in: its archive page must
# not exist and nothing may link to it.
HIDDEN_MONTH = berlin(2020, 3, 15, 10, 0)
HIDDEN_MONTH_URL = "/archiv/2020/03/"
HIDDEN_FIELDS = ("kicker", "title", "lead", "body", "slug", "alt", "caption")


def marker(state, field):
    """A word that occurs nowhere but in one field of one article."""
    return f"xq{re.sub(r'[^a-z]', '', state)}{field}zz"


def links_in(url, response, body):
    """Same-site URLs named in an HTML page or an XML document (feed, sitemap)."""
    content_type = response.get("Content-Type", "")
    text = body.decode(errors="replace")
    if content_type.startswith("text/html"):
        found = parse_html(text).urls()
    elif "xml" in content_type:
        found = re.findall(r"<loc>([^<]+)</loc>|<link>([^<]+)</link>", text)
        found = [loc or link for loc, link in found]
        found += re.findall(r'(?:href|url)="([^"]+)"', text)
    else:
        found = []
    for link in found:
        parts = urlsplit(urljoin(f"http://testserver{url}", link.strip()))
        if parts.scheme in ("http", "https") and parts.netloc == "testserver":
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, seeds):
    """Every URL reachable from `seeds`: {url: (status, body)}."""
    pages, queue = {}, list(seeds)
    while queue:
        url = queue.pop(0)
        if url in pages or url.startswith(("/admin/", "/static/")):
            continue
        assert len(pages) < MAX_URLS, "crawl grew beyond its bound"
        response = client.get(url)
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        assert response.status_code < 500, url
        pages[url] = (response.status_code, body)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        queue += links_in(url, response, body)
    return pages


def found_in(url, body, secrets):
    """The secrets in `body`, except the word a search page echoes back."""
    query = parse_qs(urlsplit(url).query).get("q", [""])[0].lower()
    text = body.decode(errors="replace").lower()
    return {secret for secret in secrets if secret in text and secret != query}


@pytest.fixture
def site():
    """Public articles, and one article per hidden state, still public.

    Hidden articles share a tag and a municipality with the public ones, so
    their sidebars, topic and municipality pages would show them; they also
    have a tag, a municipality and a photo credit of their own."""
    shared_place = make_municipality(name="Essen")
    hidden_place = make_municipality(name="Geheimstadt")
    hidden_credit = make_credit(creator=marker("credit", "creator"))
    public = [
        make_article(
            kicker=f"xqpublic{number}kickerzz",
            title=f"xqpublic{number}titlezz",
            municipality=shared_place,
            tags=["Digitales Rathaus"],
            image=make_jpeg(f"xqpublic{number}photozz.jpg", color=(9, 9, number)),
            alt_text="Ein Rathaus",
            image_credit=make_credit(),
        )
        for number in range(3)
    ]
    hidden = {}
    for number, state in enumerate(HIDDEN_STATES):
        fields = {field: marker(state, field) for field in HIDDEN_FIELDS}
        hidden[state] = make_article(
            kicker=fields["kicker"],
            title=fields["title"],
            lead=fields["lead"],
            body=f"<p>Text {fields['body']}</p>",
            slug=fields["slug"],
            alt_text=fields["alt"],
            caption=fields["caption"],
            image=make_jpeg(
                f"{marker(state, 'photo')}.jpg", color=(40 * number, 200, 10)
            ),
            image_credit=hidden_credit,
            municipality=hidden_place if number % 2 else shared_place,
            tags=["Digitales Rathaus", marker("tag", "name")],
            published_at=HIDDEN_MONTH,
        )
    # A dossier that picks every hidden article and has their shared topic.
    dossier = Dossier.objects.create(
        title="Schwerpunkt Rathaus",
        slug="schwerpunkt-rathaus",
        is_published=True,
        topic=Tag.objects.get(name="Digitales Rathaus"),
    )
    for position, article in enumerate(hidden.values()):
        DossierEntry.objects.create(dossier=dossier, article=article, position=position)
    secrets = {
        HIDDEN_MONTH_URL,
        marker("credit", "creator"),
        marker("tag", "name"),
        *(marker(state, field) for state in hidden for field in HIDDEN_FIELDS),
        # Stored names reveal nothing of the upload's name: the photo's
        # secret is where its renditions are.
        *(article.photo.renditions["src"] for article in hidden.values()),
    }
    return public, hidden, hidden_place, secrets


def hide(article, state):
    """Move `article` into `state` as an editor would: change it and save."""
    for field, value in HIDDEN_STATES[state]().items():
        setattr(article, field, value)
    article.save()


def reader_urls(public, hidden, hidden_place, secrets):
    """Where the crawl starts: the home page, and every reader URL that no
    page needs to link to."""
    tag_slug = marker("tag", "name")
    urls = [
        "/",
        "/robots.txt",
        reverse("sitemap"),
        reverse("sitemap_news"),
        *(f"/sitemap-{section}.xml" for section in ("artikel", "kommunen", "themen")),
        reverse("feeds:rss"),
        reverse("feeds:atom"),
        reverse("articles:municipalities"),
        reverse("articles:archive"),
        reverse("articles:dossiers"),
        reverse("articles:dossier", kwargs={"slug": "schwerpunkt-rathaus"}),
        HIDDEN_MONTH_URL,
        reverse("articles:topic", kwargs={"slug": tag_slug}),
        reverse("articles:topic", kwargs={"slug": "digitales-rathaus"}),
        hidden_place.get_absolute_url(),
        public[0].municipality.get_absolute_url(),
        *(article.get_absolute_url() for article in hidden.values()),
    ]
    for kind, slug in [
        ("topic", tag_slug),
        ("topic", "digitales-rathaus"),
        ("municipality", hidden_place.slug),
        ("municipality", public[0].municipality.slug),
        ("dossier", "schwerpunkt-rathaus"),
    ]:
        for feed in ("rss", "atom"):
            urls.append(reverse(f"feeds:{kind}_{feed}", kwargs={"slug": slug}))
    search = reverse("articles:search")
    urls += [f"{search}?q={secret}" for secret in sorted(secrets) if "/" not in secret]
    return urls


@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "page-cache"])
def test_no_hidden_article_reaches_any_reader_url(
    committed, client, request, site, cached
):
    public, hidden, hidden_place, secrets = site
    urls = reader_urls(*site)
    if cached:
        request.getfixturevalue("page_cache")
        # Fill the cache while the articles are still public; hiding them must
        # make every cached page that showed them stale.
        seen = set()
        for url, (_status, body) in crawl(client, urls).items():
            seen |= found_in(url, body, secrets)
        # The crawl reaches every place a hidden article would show up in.
        assert seen == secrets
    for state, article in hidden.items():
        with committed():
            hide(article, state)
        assert article.status != ArticleStatus.PUBLISHED or not article.is_published

    pages = crawl(client, urls)

    leaks = {
        url: sorted(found_in(url, body, secrets))
        for url, (_status, body) in pages.items()
        if found_in(url, body, secrets)
    }
    assert leaks == {}
    for article in hidden.values():
        assert pages[article.get_absolute_url()][0] == 404
    assert pages[HIDDEN_MONTH_URL][0] == 404
    # The public articles are all there: the crawl saw the site.
    assert all(
        f"xqpublic{number}titlezz".encode() in pages["/"][1] for number in range(3)
    )


def guessed_media_urls(article, upload_name):
    """Where a reader might look for a hidden article's photo: the URLs its
    pages showed while it was public, its original, and names built from the
    upload's name the way uploads used to be stored."""
    photo = article.photo
    month = photo.uploaded_at.strftime("%Y/%m")
    return [
        *(f"/media/{name}" for name in photo.renditions["files"]),
        photo.image.url,
        f"/media/articles/{month}/{upload_name}",
        f"/media/photos/{month}/{upload_name}",
        f"/media/renditions/articles/{month}/{upload_name[:-4]}-800.jpeg",
    ]


def test_no_hidden_articles_photo_is_served_at_any_url_a_reader_knows_or_guesses(
    committed, client, site
):
    public, hidden, _hidden_place, _secrets = site
    for state, article in hidden.items():
        with committed():
            hide(article, state)
    for state, article in hidden.items():
        for url in guessed_media_urls(article, f"{marker(state, 'photo')}.jpg"):
            assert client.get(url).status_code == 404, (state, url)
    # What a published article shows stays served; its original never is.
    photo = public[0].photo
    assert client.get(photo.renditions["src"]).status_code == 200
    assert client.get(photo.image.url).status_code == 404


def test_editors_see_hidden_photos_in_the_preview(admin_client, site):
    _public, hidden, _hidden_place, _secrets = site
    article = hidden["draft"]
    assert admin_client.get(article.photo.renditions["src"]).status_code == 200
    assert admin_client.get(article.photo.image.url).status_code == 200
