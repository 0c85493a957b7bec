"""Editors' text made fit for where it goes: URL slugs, the body's HTML, XML.

The one allow-list for the body lives here: every save cleans with it, so
whatever a browser posts, readers get only the editor's formatting."""

import re

import nh3
from django.utils.text import slugify

GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)

# What the body may contain after cleaning: the editor's formatting, no more.
BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "a",
    "ul", "ol", "li", "blockquote", "hr", "sub", "sup",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href", "title"}}
BODY_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Characters XML 1.0 cannot carry at all, not even escaped: C0 controls other
# than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def german_slugify(text):
    """URL slug with German transliteration: "Bürgerportal" → "buergerportal"."""
    return slugify(text.translate(GERMAN_TRANSLITERATION))


def clean_body(html, *, sponsored=False):
    """The body with everything outside the allow-list removed (no script,
    no event handler, no javascript: link). Every link gets rel="noopener
    noreferrer", in `sponsored` text (an advertisement) also "sponsored", as
    search engines ask of paid links; nh3 replaces any rel the editor set."""
    rel = "noopener noreferrer"
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes=BODY_URL_SCHEMES,
        link_rel=f"sponsored {rel}" if sponsored else rel,
    )


def xml_text(value):
    """`value` without the characters XML 1.0 forbids, which an editor can
    paste into a title; feeds and sitemaps would otherwise be malformed (or
    fail with a 500)."""
    return NOT_IN_XML.sub("", str(value))
