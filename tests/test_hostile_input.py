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
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleStatus,
    ImageCredit,
    Municipality,
    Page,
    Tag,
)
from articles.text import xml_text
from tests.factories import make_jpeg, make_user
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


def normalize(text):
    """Text as a reader sees it: runs of whitespace are one space; NUL is
    dropped (browsers drop it, the database cannot store it)."""
    return " ".join(text.replace("\x00", "").split())


def in_xml(text):
    """`text` as feeds and sitemaps carry it: without what XML forbids."""
    return normalize(xml_text(text))


class ActiveMarkupFinder(HTMLParser):
    """Collects every piece of active markup in an HTML document or
    fragment in `problems`, the page's visible text in `text`, image alt
    texts in `alts` and the parsed JSON-LD blocks in `json_ld`.

    `allow_search_form`: the site's own search forms (action /suche/,
    method get) and their controls are expected on pages, not in feeds."""

    def __init__(self, *, allow_search_form=True):
        super().__init__(convert_charrefs=True)
        self.allow_search_form = allow_search_form
        self.problems = []
        self.text_parts = []
        self.alts = []
        self.json_ld = []
        self.titles = []
        self.in_script = False
        self.in_title = False
        self.script_text = []
        self.search_form_depth = 0

    @property
    def text(self):
        return normalize(" ".join(self.text_parts))

    def problem(self, message, tag, attrs):
        self.problems.append(f"{message}: <{tag} {attrs}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in {"form", "script", "title"}:
            self.handle_endtag(tag)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problem("event handler", tag, attrs)
            if name == "style":
                self.problem("style attribute", tag, attrs)
            if name in URL_ATTRIBUTES and is_dangerous_url(value):
                self.problem("dangerous URL", tag, attrs)
        if tag in FORBIDDEN_ELEMENTS:
            self.problem("forbidden element", tag, attrs)
        elif tag == "meta" and "http-equiv" in attributes:
            self.problem("meta http-equiv", tag, attrs)
        elif tag == "script":
            if attributes.get("type") != "application/ld+json" or "src" in attributes:
                self.problem("script", tag, attrs)
            self.in_script = True
            self.script_text = []
        elif tag == "form":
            is_search = (
                self.allow_search_form
                and attributes.get("action") == SEARCH_URL
                and attributes.get("method") == "get"
                and attributes.get("class") in SEARCH_FORM_CLASSES
                and set(attributes)
                <= {"class", "role", "action", "method", "novalidate"}
            )
            if not is_search or self.search_form_depth:
                self.problem("form", tag, attrs)
            self.search_form_depth += 1
        elif tag in FORM_CONTROLS:
            if not self.search_form_depth or attributes.get("formaction") is not None:
                self.problem("form control outside the search form", tag, attrs)
        elif tag == "img":
            self.alts.append(attributes.get("alt") or "")
        elif tag == "title":
            self.in_title = True
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "script" and self.in_script:
            self.in_script = False
            self.check_json_ld("".join(self.script_text))
        elif tag == "form" and self.search_form_depth:
            self.search_form_depth -= 1
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_script:
            self.script_text.append(data)
            return
        if self.in_title:
            self.titles[-1] += data
        self.text_parts.append(data)

    def handle_pi(self, data):
        self.problems.append(f"processing instruction: <?{data}>")

    def unknown_decl(self, data):
        self.problems.append(f"declaration: <![{data}]>")

    def check_json_ld(self, text):
        lowered = text.lower()
        for marker in ("</script", "<!--", "<script"):
            if marker in lowered:
                self.problems.append(f"{marker!r} inside a script: {text[:200]}")
        try:
            self.json_ld.append(json.loads(text))
        except ValueError as error:
            self.problems.append(f"script is not JSON ({error}): {text[:200]}")

    def close(self):
        super().close()
        if self.in_script:
            self.problems.append("unclosed script element")


def parse_html(html, *, allow_search_form=True):
    finder = ActiveMarkupFinder(allow_search_form=allow_search_form)
    finder.feed(html)
    finder.close()
    return finder


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
    assert parse_html(html).problems


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
    finder = parse_html(html)
    assert finder.problems == []
    assert finder.titles == ["Essen <script>"]
    assert "<img src=x onerror=alert(1)>" in finder.text
    assert finder.alts == ['">']
    assert finder.json_ld == [{"headline": "</script>"}]


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
            {
                "municipality": municipality.pk,
                "kicker": payload,
                "title": payload,
                "slug": f"admin-{number}",
                "lead": payload,
                "body": payload,
                "image": make_jpeg(size=(320, 180)),
                "alt_text": payload,
                "caption": payload,
                "image_credit": credit.pk,
                "status": ArticleStatus.PUBLISHED,
                "published_at_0": timezone.localtime().strftime("%d.%m.%Y"),
                "published_at_1": "00:00:00",
                "unpublish_at_0": "",
                "unpublish_at_1": "",
                "tags": "",
                "opened_version": "",
            },
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
        article = Article.objects.create(
            kicker=payload,
            title=payload,
            slug=f"orm-{number}",
            lead=payload,
            body=payload,
            municipality=municipality,
            # The admin's photo, shared, so that no renditions are made again.
            image=photo_article.image.name,
            image_size=photo_article.image_size,
            renditions=photo_article.renditions,
            alt_text=payload,
            caption=payload,
            image_credit=credit,
            author=author,
            status=ArticleStatus.PUBLISHED,
            published_at=now - timedelta(minutes=number),
        )
        article.tags.add(payload)


@pytest.fixture
def hostile_site(client, db):
    """The whole corpus written into the site; returns a reader's client."""
    editor_client, moderator_client = client, Client()
    editor_client.force_login(make_user(groups=["Redaktion"]))
    moderator_client.force_login(make_user(groups=["Moderation"]))
    admin_articles = write_through_admin(editor_client, moderator_client)
    write_through_orm(admin_articles[0])
    assert Tag.objects.filter(name__endswith="(umbenannt)").exists()
    client.logout()  # from here on, a reader
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
        if finder.problems:
            self.problems[where] = finder.problems
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
        finder = parse_html(html or "", allow_search_form=False)
        if finder.problems:
            self.problems.setdefault(where, []).extend(finder.problems)
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
        .select_related("municipality", "image_credit")
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
        credit = article.image_credit
        tags = [tag.name for tag in article.tags.all()]
        reader.expect_text(
            finder, url, article.kicker, article.title, article.lead,
            article.caption, credit.creator, *tags,
        )  # fmt: skip
        if normalize(article.title) not in normalize(finder.titles[0]):
            reader.missing.append((url, "title element"))
        if normalize(article.alt_text) not in map(normalize, finder.alts):
            reader.missing.append((url, "alt text"))
        if len(finder.json_ld) != 1:
            reader.problems.setdefault(url, []).append(f"JSON-LD: {finder.json_ld}")
            continue
        data = finder.json_ld[0]
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


def test_nul_bytes_are_refused_by_the_editors_form_in_german(client, db):
    """The database cannot store NUL (PostgreSQL refuses it), so the forms
    stop it before: a German error on the field, nothing saved."""
    client.force_login(make_user(groups=["Redaktion"]))
    for payload in WITH_NUL:
        response = admin_add(
            client,
            "article",
            {
                "kicker": "Essen",
                "title": payload,
                "slug": "nul",
                "lead": payload,
                "status": ArticleStatus.DRAFT,
            },
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
        finder = parse_html(response.content.decode())
        assert finder.problems == []
        assert "Nullzeichen sind nicht erlaubt." in finder.text
