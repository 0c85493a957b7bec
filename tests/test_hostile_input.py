"""Hostile text: every field an editor or moderator writes, filled with the
XSS corpus of tests/xss_payloads.py, stays inert text on every reader page,
feed, sitemap and JSON-LD block.

The check parses what readers get (html.parser for HTML, ElementTree for
XML) instead of matching strings, so it judges markup the way a browser
builds it: elements, attributes and their entity-decoded values."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleStatus,
    Dossier,
    DossierEntry,
    ImageCredit,
    Municipality,
    Page,
    Photo,
    Tag,
)
from articles.text import xml_text
from tests.factories import (
    article_form,
    log_in_with_second_factor,
    make_jpeg,
    make_user,
)
from tests.html import normalize, parse_html
from tests.xss_payloads import PAYLOADS

SEARCH_URL = "/suche/"
SEARCH_FORM_CLASSES = {"site-search", "search-form"}  # base.html, search.html
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "srcset", "poster", "data",
    "xlink:href", "background", "cite", "longdesc", "ping", "imagesrcset",
}  # fmt: skip
FORBIDDEN_ELEMENTS = {
    "iframe", "object", "embed", "svg", "math", "base", "style", "frame",
    "frameset", "applet", "isindex", "xmp", "plaintext", "template",
}  # fmt: skip
FORM_CONTROLS = {"input", "button", "textarea", "select"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# What browsers ignore in a URL before its scheme: C0 controls and space
# anywhere (tab and newline are even removed inside), per the URL standard.
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")
ORIGIN = "http://testserver/"


def is_dangerous_url(value):
    """True if `value` (already entity-decoded) would run code or smuggle a
    document: javascript:, vbscript: or data:, however obfuscated."""
    candidates = value.split(",")  # srcset lists several URLs
    for candidate in [value, *candidates]:
        url = IGNORED_IN_URL.sub("", candidate).lower()
        if url.startswith(BAD_SCHEMES):
            return True
    return False


def in_xml(text):
    """`text` as feeds and sitemaps carry it: without what XML forbids."""
    return normalize(xml_text(text))


def is_search_form(form):
    """The site's own search forms (base.html, search.html): GET to /suche/."""
    return (
        form.get("action") == SEARCH_URL
        and form.get("method") == "get"
        and form.get("class") in SEARCH_FORM_CLASSES
        and {name for name, _value in form.attrs}
        <= {"class", "role", "action", "method", "novalidate"}
    )


def active_markup(page, *, allow_search_form=True):
    """Every piece of active markup in the parsed `page`, described.

    `allow_search_form`: the site's own search forms and their controls are
    expected on pages, not in feeds."""
    problems = [f"declaration: {declaration}" for declaration in page.declarations]
    if "script" in page.unclosed:
        problems.append("unclosed script element")
    for element in page.elements:
        tag = element.tag
        for name, value in element.attrs:
            if name.startswith("on"):
                problems.append(f"event handler: {element}")
            if name == "style":
                problems.append(f"style attribute: {element}")
            if name in URL_ATTRIBUTES and is_dangerous_url(value or ""):
                problems.append(f"dangerous URL: {element}")
        form = element.inside("form")
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"forbidden element: {element}")
        elif tag == "meta" and element.get("http-equiv") is not None:
            problems.append(f"meta http-equiv: {element}")
        elif tag == "script":
            problems += script_problems(element)
        elif tag == "form":
            if not (allow_search_form and is_search_form(element)) or form:
                problems.append(f"form: {element}")
        elif tag in FORM_CONTROLS:
            if form is None or element.get("formaction") is not None:
                problems.append(f"form control outside the search form: {element}")
    return problems


def script_problems(script):
    """A script is allowed only as a JSON-LD block that stays one."""
    if script.get("type") != "application/ld+json" or script.get("src") is not None:
        return [f"script: {script}"]
    problems = []
    lowered = script.text.lower()
    for marker in ("</script", "<!--", "<script"):
        if marker in lowered:
            problems.append(f"{marker!r} inside a script: {script.text[:200]}")
    try:
        json.loads(script.text)
    except ValueError as error:
        problems.append(f"script is not JSON ({error}): {script.text[:200]}")
    return problems


# The checker itself: it must see what a browser would run.


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hallo<script>alert(1)</script></p>",
        '<script type="text/javascript">alert(1)</script>',
        '<script type="application/ld+json">{"a": "</scrip"}<!--</script>',
        '<script type="application/ld+json">{"a": 1</script>',
        '<script type="application/ld+json" src="//evil.example/x"></script>',
        "<img src=x onerror=alert(1)>",
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
        '<a href="javascript&colon;alert(1)">x</a>',
        '<img srcset="a.jpg 1x, data:image/png;base64,AAAA 2x">',
        '<video poster="vbscript:x"></video>',
        '<object data="data:text/html,x"></object>',
        "<iframe srcdoc='x'></iframe>",
        "<svg><circle/></svg>",
        "<math><mi>x</mi></math>",
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<form action="https://evil.example"><input name="pw"></form>',
        '<form class="site-search" action="/suche/" method="post"></form>',
        '<form class="site-search" action="/suche/" method="get">'
        '<button formaction="javascript:alert(1)">x</button></form>',
        "<input autofocus>",
        "<style>body{display:none}</style>",
        '<p style="color:red">x</p>',
    ],
)
def test_checker_finds_active_markup(html):
    assert active_markup(parse_html(html))


def test_checker_accepts_the_sites_own_markup():
    html = (
        '<html lang="de"><head><title>Essen &lt;script&gt;</title>'
        '<meta name="description" content="&quot;&gt;&lt;script&gt;">'
        '<script type="application/ld+json">{"headline": "\\u003C/script\\u003E"}'
        "</script></head><body>"
        '<form class="site-search" role="search" action="/suche/" method="get">'
        '<input type="search" name="q"><button type="submit">Suchen</button></form>'
        '<a href="/artikel/x/">&lt;img src=x onerror=alert(1)&gt;</a>'
        '<img src="/media/x.jpg" srcset="/media/x-480.jpg 480w" alt="&quot;&gt;">'
        "</body></html>"
    )
    page = parse_html(html)
    assert active_markup(page) == []
    assert page.titles == ["Essen <script>"]
    assert "<img src=x onerror=alert(1)>" in page.text
    assert page.alts == ['">']
    assert page.json_ld == [{"headline": "</script>"}]


# The site, written by an editor and a moderator with hostile text.

STORABLE = [payload for payload in PAYLOADS if "\x00" not in payload]
WITH_NUL = [payload for payload in PAYLOADS if "\x00" in payload]
# Every fourth payload goes through the real admin forms, the rest through
# the ORM (which also keeps leading whitespace the forms strip).
THROUGH_ADMIN = STORABLE[::4]


def admin_add(client, model, data):
    """Post an admin add form as a browser would; return the response."""
    return client.post(reverse(f"admin:articles_{model}_add"), data)


def write_through_admin(editor_client, moderator_client):
    """The editors' and moderators' write paths: municipality, credit and
    article add forms as Redaktion, then tags through the tagging queue's
    bulk action as Moderation."""
    articles = []
    for number, payload in enumerate(THROUGH_ADMIN):
        response = admin_add(
            editor_client,
            "municipality",
            {"name": payload, "slug": f"kommune-a{number}", "kind": "stadt"},
        )
        assert response.status_code == 302, payload
        municipality = Municipality.objects.get(slug=f"kommune-a{number}")
        response = admin_add(
            editor_client,
            "imagecredit",
            {
                "creator": payload,
                "source": f"{payload} {number}",
                "licence": payload,
                # What a URL validator lets through: quotes and brackets.
                "url": f'https://example.org/{number}?"><script>alert(1)</script>',
            },
        )
        assert response.status_code == 302, payload
        credit = ImageCredit.objects.get(source=f"{payload} {number}".strip())
        response = admin_add(
            editor_client,
            "article",
            article_form(
                municipality=municipality.pk,
                kicker=payload,
                title=payload,
                slug=f"admin-{number}",
                lead=payload,
                body=payload,
                image=make_jpeg(size=(320, 180)),
                alt_text=payload,
                caption=payload,
                image_credit=credit.pk,
                published_at_0=timezone.localtime().strftime("%d.%m.%Y"),
                published_at_1="00:00:00",
                opened_version="",
            ),
        )
        assert response.status_code == 302, (payload, response.context["errors"])
        articles.append(Article.objects.get(slug=f"admin-{number}"))
    for article, payload in zip(articles, THROUGH_ADMIN, strict=True):
        response = moderator_client.post(
            reverse("admin:articles_articletagging_changelist") + "?queue=all",
            {
                "action": "add_tags",
                "_selected_action": [article.pk],
                "apply": "1",
                "tags": payload,
            },
        )
        assert response.status_code == 302, payload
    # A moderator's rename in the tag vocabulary is a write path too.
    tag = articles[0].tags.get()
    response = moderator_client.post(
        reverse("admin:articles_tag_change", args=[tag.pk]),
        {"name": f"{THROUGH_ADMIN[1]} (umbenannt)"},
    )
    assert response.status_code == 302
    return articles


def write_through_orm(photo_article):
    """The rest of the corpus, one municipality, credit, tag, article and
    footer page per payload, in every field at once."""
    author = make_user(first_name=PAYLOADS[0], last_name=PAYLOADS[1])
    now = timezone.now()
    for number, payload in enumerate(STORABLE):
        Page.objects.create(title=payload, slug=f"seite-{number}", body=payload)
        if payload in THROUGH_ADMIN:
            continue
        municipality = Municipality.objects.create(
            name=payload, slug=f"kommune-{number}"
        )
        credit = ImageCredit.objects.create(
            creator=payload, source=payload, licence=payload, url=payload
        )
        # The admin's photo file, shared, so that no renditions are made again.
        shared = photo_article.photo
        photo = Photo.objects.create(
            image=shared.image.name,
            image_size=shared.image_size,
            renditions=shared.renditions,
            alt_text=payload,
            caption=payload,
            credit=credit,
        )
        article = Article.objects.create(
            kicker=payload,
            title=payload,
            slug=f"orm-{number}",
            lead=payload,
            body=payload,
            municipality=municipality,
            photo=photo,
            author=author,
            status=ArticleStatus.PUBLISHED,
            published_at=now - timedelta(minutes=number),
        )
        article.tags.add(payload)
        dossier = Dossier.objects.create(
            title=payload,
            slug=f"schwerpunkt-{number}",
            introduction=payload,
            photo=photo,
            topic=article.tags.get(),
            is_published=True,
        )
        DossierEntry.objects.create(dossier=dossier, article=article)


@pytest.fixture
def hostile_site(client, publisher, moderator_client):
    """The whole corpus written into the site; returns a reader's client."""
    publisher_client = Client()
    log_in_with_second_factor(publisher_client, publisher)  # publishes what it writes
    admin_articles = write_through_admin(publisher_client, moderator_client)
    write_through_orm(admin_articles[0])
    assert Tag.objects.filter(name__endswith="(umbenannt)").exists()
    return client


# The reader's side: every page, feed and sitemap, parsed.

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class Reader:
    """Fetches reader URLs and records, per URL, what is wrong: active
    markup (`problems`) or hostile text that went missing (`missing`)."""

    def __init__(self, client):
        self.client = client
        self.problems = {}
        self.missing = []

    def get(self, url, data=None):
        response = self.client.get(url, data)
        assert response.status_code == 200, (url, data, response.status_code)
        return response

    def page(self, url, data=None):
        """The parsed HTML page at `url`, after recording its problems."""
        response = self.get(url, data)
        assert response["Content-Type"].startswith("text/html")
        finder = parse_html(response.content.decode())
        where = f"{url} {data or ''}"
        if problems := active_markup(finder):
            self.problems[where] = problems
        if len(finder.titles) != 1:
            self.problems.setdefault(where, []).append(f"titles: {finder.titles}")
        finder.response = response
        return finder

    def pages(self, url):
        """Every page of a list paginated by key, parsed, oldest last."""
        pages = [self.page(url)]
        while (page_obj := pages[-1].response.context["page_obj"]).has_next:
            pages.append(self.page(url, {"nach": page_obj.next_key()}))
        return pages

    def expect_text(self, finder, where, *texts):
        for text in texts:
            if normalize(text) not in finder.text:
                self.missing.append((where, text))

    def html_fragment(self, html, where):
        """RSS titles and descriptions, Atom summaries: HTML to feed readers."""
        finder = parse_html(html or "")
        if problems := active_markup(finder, allow_search_form=False):
            self.problems.setdefault(where, []).extend(problems)
        return finder

    def xml(self, url):
        response = self.get(url)
        return ET.fromstring(response.content)  # raises unless well-formed

    def rss(self, url):
        channel = self.xml(url).find("channel")
        title, _description = (
            self.html_fragment(channel.findtext(element), f"{url} {element}").text
            for element in ("title", "description")
        )
        items = {}
        for item in channel.iter("item"):
            item_title = self.html_fragment(item.findtext("title"), f"{url} item").text
            self.html_fragment(item.findtext("description"), f"{url} description")
            assert item.findtext("link").startswith(ORIGIN)
            for enclosure in item.iter("enclosure"):
                assert enclosure.get("url").startswith(ORIGIN)
            items[item.findtext("link")] = item_title
        return title, items

    def atom(self, url):
        feed = self.xml(url)
        items = {}
        for entry in feed.iter(f"{ATOM}entry"):
            for element in ("summary", "content"):
                for node in entry.iter(f"{ATOM}{element}"):
                    assert node.get("type") in (None, "html", "text")
                    if node.get("type") == "html":
                        self.html_fragment(node.text, f"{url} {element}")
            for link in entry.iter(f"{ATOM}link"):
                assert link.get("href").startswith(ORIGIN)
            link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
            items[link] = normalize(entry.findtext(f"{ATOM}title"))
        return feed.findtext(f"{ATOM}title"), items

    def sitemap(self, url):
        root = self.xml(url)
        for loc in root.iter(f"{SITEMAP}loc"):
            assert loc.text.startswith(ORIGIN), loc.text
        return root


def read_everything(reader):
    """Crawl the reader site as a search engine and a feed reader would."""
    articles = list(
        Article.objects.published()
        .select_related("municipality", "photo__credit")
        .prefetch_related("tags")
    )
    assert len(articles) == len(STORABLE)

    for finder in reader.pages(reverse("articles:index")):
        reader.expect_text(
            finder, "home", *[a.title for a in finder.response.context["object_list"]]
        )

    directory = reader.page(reverse("articles:municipalities"))
    reader.expect_text(directory, "directory", *[a.municipality.name for a in articles])

    archive = reader.page(reverse("articles:archive"))
    months = {(a.published_at.year, a.published_at.month) for a in articles}
    for year, month in months:
        url = reverse(
            "articles:archive_month", kwargs={"year": year, "month": f"{month:02}"}
        )
        assert url in archive.response.content.decode()
        reader.pages(url)

    for article in articles:
        url = article.get_absolute_url()
        finder = reader.page(url)
        credit = article.photo.credit
        tags = [tag.name for tag in article.tags.all()]
        reader.expect_text(
            finder, url, article.kicker, article.title, article.lead,
            article.photo.caption, credit.creator, *tags,
        )  # fmt: skip
        if normalize(article.title) not in normalize(finder.titles[0]):
            reader.missing.append((url, "title element"))
        if normalize(article.photo.alt_text) not in map(normalize, finder.alts):
            reader.missing.append((url, "alt text"))
        try:
            json_ld = finder.json_ld
        except ValueError:
            json_ld = []  # active_markup() has named the broken block
        if len(json_ld) != 1:
            reader.problems.setdefault(url, []).append(f"JSON-LD: {json_ld}")
            continue
        data = json_ld[0]
        expected = {
            "headline": article.title,
            "alternativeHeadline": article.kicker,
            "description": article.lead,
            "keywords": tags,
        }
        if {key: data[key] for key in expected} != expected:
            reader.missing.append((url, "JSON-LD"))
        if data["image"][0]["creator"]["name"] != credit.creator:
            reader.missing.append((url, "JSON-LD creator"))

        place = article.municipality
        finder = reader.page(place.get_absolute_url())
        reader.expect_text(finder, place.slug, place.name, article.title)
        for kind in ("rss", "atom"):
            feed_url = reverse(
                f"feeds:municipality_{kind}", kwargs={"slug": place.slug}
            )
            title, items = getattr(reader, kind)(feed_url)
            if in_xml(place.name) not in normalize(title):
                reader.missing.append((feed_url, "feed title"))
            if list(items.values()) != [in_xml(f"{article.kicker}: {article.title}")]:
                reader.missing.append((feed_url, "item title"))

    for tag in Tag.objects.all():
        finder = reader.page(tag.get_absolute_url())
        reader.expect_text(finder, tag.slug, tag.name)
        for kind in ("rss", "atom"):
            feed_url = reverse(f"feeds:topic_{kind}", kwargs={"slug": tag.slug})
            title, _items = getattr(reader, kind)(feed_url)
            if in_xml(tag.name) not in normalize(title):
                reader.missing.append((feed_url, "feed title"))

    reader.page(reverse("articles:dossiers"))
    for dossier in Dossier.objects.select_related("photo__credit"):
        url = dossier.get_absolute_url()
        finder = reader.page(url)
        reader.expect_text(
            finder, url, dossier.title, dossier.photo.credit.creator,
            *[a.title for a in finder.response.context["articles"]],
        )  # fmt: skip
        for kind in ("rss", "atom"):
            feed_url = reverse(f"feeds:dossier_{kind}", kwargs={"slug": dossier.slug})
            title, _items = getattr(reader, kind)(feed_url)
            if in_xml(dossier.title) not in normalize(title):
                reader.missing.append((feed_url, "feed title"))

    for payload in PAYLOADS:  # the query string is hostile input too
        finder = reader.page(reverse("articles:search"), {"q": payload})
        if finder.response.context["query"]:
            reader.expect_text(finder, f"search {payload!r}", payload)

    for page in Page.objects.all():
        finder = reader.page(page.get_absolute_url())
        reader.expect_text(finder, page.slug, page.title)

    for kind in ("rss", "atom"):
        _title, items = getattr(reader, kind)(reverse(f"feeds:{kind}"))
        assert len(items) == min(len(articles), 50)

    index = reader.sitemap(reverse("sitemap"))
    for loc in index.iter(f"{SITEMAP}loc"):
        reader.sitemap(loc.text.removeprefix(ORIGIN[:-1]))
    news = reader.sitemap(reverse("sitemap_news"))
    news_titles = {normalize(title.text or "") for title in news.iter(f"{NEWS}title")}
    for article in articles:
        if in_xml(article.title) not in news_titles:
            reader.missing.append(("news sitemap", article.title))

    robots = reader.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    for line in filter(None, robots.content.decode().splitlines()):
        directive, _colon, value = line.partition(": ")
        assert directive in {"User-agent", "Disallow", "Sitemap"}, line
        if directive == "Sitemap":
            assert value.startswith(ORIGIN), line


def test_hostile_text_in_every_field_stays_inert_text_for_readers(hostile_site):
    reader = Reader(hostile_site)
    read_everything(reader)
    report = [f"{where}: {found}" for where, found in reader.problems.items()]
    assert not report, "\n".join(report)
    assert not reader.missing, "\n".join(map(repr, reader.missing))


def test_nul_bytes_are_refused_by_the_editors_form_in_german(editor_client):
    """The database cannot store NUL (PostgreSQL refuses it), so the forms
    stop it before: a German error on the field, nothing saved."""
    for payload in WITH_NUL:
        response = admin_add(
            editor_client,
            "article",
            article_form(
                title=payload, slug="nul", lead=payload, status=ArticleStatus.DRAFT
            ),
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["title"] == ["Nullzeichen sind nicht erlaubt."]
        assert errors["lead"] == ["Nullzeichen sind nicht erlaubt."]
    assert not Article.objects.exists()


def test_nul_bytes_in_the_search_query_get_a_german_message(client, db):
    for payload in WITH_NUL:
        response = client.get(reverse("articles:search"), {"q": payload})
        assert response.status_code == 200
        page = parse_html(response.content.decode())
        assert active_markup(page) == []
        assert "Nullzeichen sind nicht erlaubt." in page.text
