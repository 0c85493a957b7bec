"""Template tags of the reader site."""

import json
import re

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()

# static/img/logo.png: the publisher logo search engines show (600×60 px).
LOGO = ("img/logo.png", 600, 60)

# What json_script escapes: nothing inside the JSON can end the <script>.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# Characters XML 1.0 cannot carry at all, not even escaped: C0 controls other
# than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def photo_versions(article):
    """The article's photo as (url, width, height), one per available size,
    largest first; empty without a photo. The one place that knows which
    sizes exist, so structured data and sharing tags list them all."""
    if not article.image:
        return []
    renditions = article.renditions
    if not renditions.get("jpeg"):  # not made yet: the original only
        return [(article.image.url, article.image_width, article.image_height)]
    versions = []
    for candidate in renditions["jpeg"].split(", "):
        url, width = candidate.rsplit(" ", 1)
        width = int(width.removesuffix("w"))
        height = round(renditions["height"] * width / renditions["width"])
        versions.append((url, width, height))
    return sorted(versions, key=lambda version: version[1], reverse=True)


@register.filter
def w3c_datetime(value):
    """W3C/ISO 8601 to the second in Berlin time with its offset, as sitemaps
    and schema.org expect, e.g. 2025-04-10T09:30:00+02:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.filter
def xml_text(value):
    """`value` without the characters XML 1.0 forbids, which an editor can
    paste into a title; feeds and sitemaps would otherwise be malformed (or
    fail with a 500)."""
    return NOT_IN_XML.sub("", str(value))


def json_ld(data):
    """`data` as JSON that is safe inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(text)


def image_objects(article, request):
    """schema.org ImageObjects for every size of the photo, with its credit."""
    credit = article.image_credit
    objects = []
    for url, width, height in photo_versions(article):
        image = {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(url),
            "contentUrl": request.build_absolute_uri(url),
            "width": width,
            "height": height,
        }
        if article.caption:
            image["caption"] = article.caption
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
    """schema.org NewsArticle for one published article, as a dict."""
    url = request.build_absolute_uri(article.get_absolute_url())
    logo_path, logo_width, logo_height = LOGO
    publisher = {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:index")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(logo_path)),
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
        "@type": "NewsArticle",
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


@register.simple_tag(takes_context=True)
def article_meta(context, article):
    """What articles/includes/article_meta.html shows for `article`: the
    canonical URL, the photo's largest size and the JSON-LD, ready to print."""
    request = context["request"]
    versions = photo_versions(article)
    image = None
    if versions:
        url, width, height = versions[0]
        image = {
            "url": request.build_absolute_uri(url),
            "width": width,
            "height": height,
        }
    return {
        "canonical": request.build_absolute_uri(article.get_absolute_url()),
        "image": image,
        "published": w3c_datetime(article.published_at),
        "modified": w3c_datetime(article.updated_at),
        "json_ld": json_ld(news_article(article, request)),
    }
