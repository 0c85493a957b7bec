"""What machines read about an article: schema.org NewsArticle as JSON-LD,
and the canonical URL and photo that sharing tags (OpenGraph) name."""

import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from .models import ArticleKind
from .photos import photo_crops, photo_versions
from .site_url import absolute_url

# static/img/logo.png: the publisher logo search engines show (600×60 px).
LOGO = ("img/logo.png", 600, 60)
# static/img/share-default.png: what sharing and search show for a page or an
# article without a photo (OpenGraph's 1200 × 630).
DEFAULT_IMAGE = ("img/share-default.png", 1200, 630)

# The schema.org type of each kind of text; a press release stays news.
SCHEMA_TYPES = {
    ArticleKind.NEWS: "NewsArticle",
    ArticleKind.PRESS_RELEASE: "NewsArticle",
    ArticleKind.SPONSORED: "AdvertiserContentArticle",
    ArticleKind.COMMENTARY: "OpinionNewsArticle",
}

# What json_script escapes: nothing inside the JSON can end the <script>.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def w3c_datetime(value):
    """W3C/ISO 8601 to the second in Berlin time with its offset, as sitemaps
    and schema.org expect, e.g. 2025-04-10T09:30:00+02:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def json_ld(data):
    """`data` as JSON that is safe inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(text)


def image_objects(article, request):
    """schema.org ImageObjects of the photo, with its credit: its crops in
    16:9, 4:3 and 1:1, at least 1200 px wide where the original allows, as
    search engines ask (older renditions without crops: every size)."""
    photo = article.photo
    if photo is None:
        return []
    credit = photo.credit
    objects = []
    for url, width, height in photo_crops(photo) or photo_versions(photo):
        image = {
            "@type": "ImageObject",
            "url": absolute_url(url, request),
            "contentUrl": absolute_url(url, request),
            "width": width,
            "height": height,
        }
        if photo.caption:
            image["caption"] = photo.caption
        if credit:
            image["creditText"] = str(credit)
            image["creator"] = {"@type": "Person", "name": credit.creator}
            image["copyrightNotice"] = f"© {credit}"
            if credit.url:
                image["license"] = credit.url
            elif credit.licence:
                image["license"] = {"@type": "CreativeWork", "name": credit.licence}
        objects.append(image)
    return objects


def authors(article, request):
    """schema.org authors of the byline: each author a Person with the URL
    of their page, the agency an Organization; the site itself when the
    article has no byline."""
    people = [
        {
            "@type": "Person",
            "name": author.name,
            "url": absolute_url(author.get_absolute_url(), request),
        }
        for author in article.byline_authors()
    ]
    if article.agency:
        people.append({"@type": "Organization", "name": article.agency})
    return people or [{"@type": "Organization", "name": settings.SITE_NAME}]


def news_article(article, request):
    """schema.org NewsArticle for one published article, as a dict; an
    advertisement is an AdvertiserContentArticle, a commentary an
    OpinionNewsArticle (SCHEMA_TYPES)."""
    url = absolute_url(article.get_absolute_url(), request)
    logo_path, logo_width, logo_height = LOGO
    publisher = {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute_url(reverse("articles:index"), request),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static(logo_path), request),
            "width": logo_width,
            "height": logo_height,
        },
    }
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(article.kind, "NewsArticle"),
        # The page, with its place in the site: Start → municipality or
        # topic → article.
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": url,
            "breadcrumb": breadcrumbs(article, request),
        },
        "url": url,
        "headline": article.title,
        "alternativeHeadline": article.kicker,
        "description": article.lead,
        "inLanguage": "de-DE",
        "datePublished": w3c_datetime(article.published_at),
        "dateModified": w3c_datetime(article.modified_for_readers),
        "author": authors(article, request),
        "publisher": publisher,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    data["image"] = image_objects(article, request) or [default_image_object(request)]
    return data


def default_image(request):
    """The site's default sharing image as {url, width, height, alt}."""
    path, width, height = DEFAULT_IMAGE
    return {
        "url": absolute_url(static(path), request),
        "width": width,
        "height": height,
        "alt": settings.SITE_NAME,
    }


def default_image_object(request):
    """The default sharing image as a schema.org ImageObject."""
    image = default_image(request)
    return {
        "@type": "ImageObject",
        "url": image["url"],
        "contentUrl": image["url"],
        "width": image["width"],
        "height": image["height"],
    }


def breadcrumbs(article, request):
    """schema.org BreadcrumbList: Start → the article's municipality (or its
    first topic) → the article."""
    trail = [(settings.SITE_NAME, reverse("articles:index"))]
    if article.municipality_id:
        trail.append(
            (article.municipality.name, article.municipality.get_absolute_url())
        )
    else:
        tags = list(article.tags.all())
        if tags:
            trail.append((tags[0].name, tags[0].get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute_url(path, request),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def share_image(photo, request):
    """A library photo for sharing as {url, width, height, alt}: OpenGraph's
    1200 × 630 crop, or its widest size; the site's default without one."""
    versions = (photo_crops(photo, ("og",)) or photo_versions(photo)) if photo else []
    if not versions:
        return default_image(request)
    url, width, height = versions[0]
    return {
        "url": absolute_url(url, request),
        "width": width,
        "height": height,
        "alt": photo.alt_text,
    }


def article_meta(article, request):
    """What an article page's head shows: the canonical URL, the photo's
    largest size for sharing, the dates, and the JSON-LD, ready to print."""
    return {
        "canonical": absolute_url(article.get_absolute_url(), request),
        "image": share_image(article.photo if article.photo_id else None, request),
        "published": w3c_datetime(article.published_at),
        "modified": w3c_datetime(article.modified_for_readers),
        "json_ld": json_ld(news_article(article, request)),
    }
