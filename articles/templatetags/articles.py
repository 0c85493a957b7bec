"""Template tags of the reader site: thin wrappers around the modules that
know the rules (structured_data.py, text.py, site_url.py)."""

from django import template

from .. import site_url, structured_data, text

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
