"""Template tags of the reader site: thin wrappers around the modules that
know the rules (structured_data.py, text.py)."""

from django import template

from .. import structured_data, text

register = template.Library()

register.filter("w3c_datetime", structured_data.w3c_datetime)
register.filter("xml_text", text.xml_text)


@register.simple_tag(takes_context=True)
def article_meta(context, article):
    """structured_data.article_meta() for `article` on this request."""
    return structured_data.article_meta(article, context["request"])
