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
    author_name = article.author.get_full_name() if article.author else ""
    if author_name:
        author = {"@type": "Person", "name": author_name}
    else:
        author = {"@type": "Organization", "name": settings.SITE_NAME}
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(article.kind, "NewsArticle"),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "alternativeHeadline": article.kicker,
        "description": article.lead,
        "inLanguage": "de-DE",
        "datePublished": w3c_datetime(article.published_at),
        "dateModified": w3c_datetime(article.updated_at),
        "author": [author],
        "publisher": publisher,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    images = image_objects(article, request)
    if images:
        data["image"] = images
    return data


def article_meta(article, request):
    """What an article page's head shows: the canonical URL, the photo's
    largest size for sharing, the dates, and the JSON-LD, ready to print."""
    versions = []
    if article.photo_id:  # OpenGraph's 1200 × 630, or the widest there is
        photo = article.photo
        versions = photo_crops(photo, ("og",)) or photo_versions(photo)
    image = None
    if versions:
        url, width, height = versions[0]
        image = {
            "url": absolute_url(url, request),
            "width": width,
            "height": height,
            "alt": article.photo.alt_text,
        }
    return {
        "canonical": absolute_url(article.get_absolute_url(), request),
        "image": image,
        "published": w3c_datetime(article.published_at),
        "modified": w3c_datetime(article.updated_at),
        "json_ld": json_ld(news_article(article, request)),
    }
