"""What search engines and social networks read from an article page:
schema.org NewsArticle JSON-LD, OpenGraph and Twitter card tags, canonical
link and description. (Hostile text in them: tests/test_hostile_input.py.)"""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone
from PIL import Image

from articles.structured_data import DEFAULT_IMAGE, LOGO
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_jpeg,
    make_municipality,
    make_user,
)
from tests.html import parse_html

pytestmark = pytest.mark.django_db

ISO_DATETIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}\Z")


def read_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return parse_html(response.content.decode())


def iso(value):
    assert ISO_DATETIME.match(value), value
    return datetime.fromisoformat(value)


def to_second(value):
    return value.replace(microsecond=0)


@pytest.fixture
def article():
    return make_article(
        kicker="Essen",
        title="Stadt startet TikTok-Kanal",
        lead="Nun kommt TikTok dazu.",
        image=make_jpeg(size=(1600, 1200)),
        alt_text="Ein Smartphone",
        caption="Kurze Videos.",
        image_credit=make_credit(
            creator="victor69",
            source="123rf.com",
            licence="123rf Standardlizenz",
            url="https://www.123rf.com/license.php",
        ),
        author=make_user(first_name="Erika", last_name="Angelegt"),
        authors=[make_author(name="Maria Muster")],
        tags=["Soziale Medien"],
    )


def test_article_page_carries_a_complete_news_article(client, article):
    [data] = read_page(client, article).json_ld
    url = f"http://testserver{article.get_absolute_url()}"

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Stadt startet TikTok-Kanal"
    assert data["description"] == "Nun kommt TikTok dazu."
    assert data["mainEntityOfPage"]["@type"] == "WebPage"
    assert data["mainEntityOfPage"]["@id"] == url
    assert iso(data["datePublished"]) == to_second(article.published_at)
    # Not changed substantively since its publication.
    assert iso(data["dateModified"]) == to_second(article.published_at)
    # The byline's author with their page; not the user who created it.
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Maria Muster",
            "url": "http://testserver/autor/maria-muster/",
        }
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Kommune Digital",
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/img/logo.png",
            "width": 600,
            "height": 60,
        },
    }
    # The photo in the three ratios search engines ask for, 1200 px wide,
    # each with its credit.
    assert [(image["width"], image["height"]) for image in data["image"]] == [
        (1200, 675),
        (1200, 900),
        (1200, 1200),
    ]
    for image in data["image"]:
        assert image["url"] == image["contentUrl"]
        assert image["url"].startswith("http://testserver/media/renditions/")
        assert image["url"].endswith(f"-{image['width']}.jpeg")
        assert client.get(image["url"]).status_code == 200
        assert image | {"url": "", "contentUrl": "", "width": 0, "height": 0} == {
            "@type": "ImageObject",
            "url": "",
            "contentUrl": "",
            "width": 0,
            "height": 0,
            "caption": "Kurze Videos.",
            "creditText": "victor69/123rf.com",
            "creator": {"@type": "Person", "name": "victor69"},
            "copyrightNotice": "© victor69/123rf.com",
            "license": "https://www.123rf.com/license.php",
        }


def test_dates_carry_the_berlin_offset(client, article):
    [data] = read_page(client, article).json_ld
    offset = iso(data["datePublished"]).utcoffset()
    assert offset == timezone.localtime(article.published_at).utcoffset()
    assert offset in (timedelta(hours=1), timedelta(hours=2))


def test_article_without_named_author_is_by_the_organisation(client):
    article = make_article()
    [data] = read_page(client, article).json_ld
    assert data["author"] == [{"@type": "Organization", "name": "Kommune Digital"}]


def test_credit_without_link_names_its_licence(client):
    article = make_article(
        image=make_jpeg(), image_credit=make_credit(licence="CC BY-SA 4.0", url="")
    )
    [data] = read_page(client, article).json_ld
    assert data["image"][0]["license"] == {
        "@type": "CreativeWork",
        "name": "CC BY-SA 4.0",
    }


def test_publisher_logo_file_matches_its_stated_size():
    path, width, height = LOGO
    with Image.open(finders.find(path)) as logo:
        assert logo.size == (width, height)


def test_article_page_has_sharing_tags_canonical_and_description(client, article):
    page = read_page(client, article)
    url = f"http://testserver{article.get_absolute_url()}"
    # Cut to OpenGraph's 1200 × 630 around the focal point.
    photo = f"http://testserver{article.photo.renditions['crops']['og']['src']}"
    expected = {
        "description": ["Nun kommt TikTok dazu."],
        "og:type": ["article"],
        "og:locale": ["de_DE"],
        "og:site_name": ["Kommune Digital"],
        "og:title": ["Essen: Stadt startet TikTok-Kanal"],
        "og:description": ["Nun kommt TikTok dazu."],
        "og:url": [url],
        "og:image": [photo],
        "og:image:width": ["1200"],
        "og:image:height": ["630"],
        "og:image:alt": ["Ein Smartphone"],
        "article:tag": ["Soziale Medien"],
        "twitter:card": ["summary_large_image"],
        "twitter:title": ["Essen: Stadt startet TikTok-Kanal"],
        "twitter:description": ["Nun kommt TikTok dazu."],
        "twitter:image": [photo],
        "twitter:image:alt": ["Ein Smartphone"],
    }
    assert {key: page.meta.get(key) for key in expected} == expected
    [published] = page.meta["article:published_time"]
    assert iso(published) == to_second(article.published_at)
    canonical = [link["href"] for link in page.links if link["rel"] == "canonical"]
    assert canonical == [url]


def test_article_without_photo_is_shared_with_the_site_image(client):
    page = read_page(client, make_article())
    url = "http://testserver/static/img/share-default.png"
    assert page.meta["twitter:card"] == ["summary_large_image"]
    assert page.meta["og:image"] == [url]
    assert page.meta["og:image:width"] == ["1200"]
    assert page.meta["og:image:height"] == ["630"]
    [data] = page.json_ld
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": url,
            "contentUrl": url,
            "width": 1200,
            "height": 630,
        }
    ]


def test_default_share_image_file_matches_its_stated_size():
    path, width, height = DEFAULT_IMAGE
    with Image.open(finders.find(path)) as image:
        assert image.size == (width, height)


def test_article_names_its_place_in_the_site_as_breadcrumbs(client):
    article = make_article(municipality=make_municipality(name="Essen"))
    [data] = read_page(client, article).json_ld
    trail = data["mainEntityOfPage"]["breadcrumb"]
    assert trail["@type"] == "BreadcrumbList"
    assert [
        (item["position"], item["name"], item["item"])
        for item in trail["itemListElement"]
    ] == [
        (1, "Kommune Digital", "http://testserver/"),
        (2, "Essen", f"http://testserver{article.municipality.get_absolute_url()}"),
        (3, article.title, f"http://testserver{article.get_absolute_url()}"),
    ]


def test_article_without_municipality_has_its_topic_in_the_breadcrumbs(client):
    article = make_article(tags=["Open Data"])
    [data] = read_page(client, article).json_ld
    names = [
        item["name"]
        for item in data["mainEntityOfPage"]["breadcrumb"]["itemListElement"]
    ]
    assert names == ["Kommune Digital", "Open Data", article.title]
