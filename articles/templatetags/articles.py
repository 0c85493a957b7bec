"""Template tags of the reader site: thin wrappers around the modules that
know the rules (structured_data.py, text.py, site_url.py)."""

from urllib.parse import urlencode

from django import template
from django.utils.safestring import mark_safe

from .. import embeds, site_url, structured_data, text

register = template.Library()

register.filter("w3c_datetime", structured_data.w3c_datetime)
register.filter("xml_text", text.xml_text)


@register.simple_tag(takes_context=True)
def article_meta(context, article):
    """structured_data.article_meta() for `article` on this request."""
    return structured_data.article_meta(article, context["request"])


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` as an absolute URL on NEWSROOM_SITE_URL (when set) or this
    request's host: site_url.absolute_url()."""
    return site_url.absolute_url(path, context["request"])


@register.simple_tag
def body_with_embeds(body):
    """The cleaned body with consent placeholders for embedded posts
    (embeds.render_embeds()): {"html": …, "has_embeds": bool}."""
    html, count = embeds.render_embeds(body)
    # The body was cleaned by nh3 on save; the placeholders are our template.
    return {"html": mark_safe(html), "has_embeds": count > 0}


# The query parameters that make a page a page of its own: the keyset
# pagination of date-ordered lists, the page number and query of search.
CANONICAL_PARAMETERS = ("q", "page", "nach", "vor")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's canonical URL, absolute: its path plus only the parameters
    that select what it shows (CANONICAL_PARAMETERS), so tracking parameters
    never make a duplicate. Each page of a paginated list is canonical to
    itself, as Google asks for paginated content."""
    request = context["request"]
    kept = [
        (name, value)
        for name in CANONICAL_PARAMETERS
        for value in request.GET.getlist(name)[:1]
    ]
    path = request.path
    if kept:
        path += "?" + urlencode(kept)
    return site_url.absolute_url(path, request)


@register.simple_tag(takes_context=True)
def share_image(context, photo):
    """`photo` (or the site's default image) for sharing {url, width, height,
    alt}, absolute."""
    return structured_data.share_image(photo, context["request"])


@register.simple_tag(takes_context=True)
def default_share_image(context):
    """The site's sharing image {url, width, height, alt}, absolute."""
    return structured_data.default_image(context["request"])
