"""Embedded posts and videos, loaded only with the reader's consent.

An editor pastes the address of a TikTok, YouTube, Vimeo, Instagram or
Mastodon post on a line of its own. The stored body keeps it as the plain
paragraph nh3 cleaned; only when the page is rendered does such a paragraph
become a placeholder (templates/articles/includes/embed.html): the
provider's name, a privacy note, a button and a plain link. Nothing comes
from the provider until the reader presses the button; then
static/js/embeds.js inserts the provider's player (the address made here,
in data-embed-src). The CSP's frame-src (newsroom/settings.py,
embed_frame_hosts()) allows exactly these hosts.

Mastodon has no one host: posts of the instances in
NEWSROOM_MASTODON_INSTANCES become placeholders, posts of any other
instance stay plain links."""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    hosts: tuple  # the frame hosts the CSP allows


YOUTUBE = Provider("youtube", "YouTube", ("https://www.youtube-nocookie.com",))
VIMEO = Provider("vimeo", "Vimeo", ("https://player.vimeo.com",))
TIKTOK = Provider("tiktok", "TikTok", ("https://www.tiktok.com",))
INSTAGRAM = Provider("instagram", "Instagram", ("https://www.instagram.com",))
MASTODON = Provider("mastodon", "Mastodon", ())

YOUTUBE_ID = r"(?P<id>[A-Za-z0-9_-]{11})"
REST = r"(?:[?#&][^\s]*)?"  # query or fragment we do not need
# Address patterns (matched in full) → provider and how the player's
# address follows from the match.
PATTERNS = [
    (
        re.compile(
            rf"https://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#\s]*&)?v={YOUTUBE_ID}{REST}"
        ),
        YOUTUBE,
        "https://www.youtube-nocookie.com/embed/{id}",
    ),
    (
        re.compile(rf"https://youtu\.be/{YOUTUBE_ID}/?{REST}"),
        YOUTUBE,
        "https://www.youtube-nocookie.com/embed/{id}",
    ),
    (
        re.compile(
            rf"https://(?:www\.|m\.)?youtube\.com/(?:shorts|embed|live)/{YOUTUBE_ID}/?{REST}"
        ),
        YOUTUBE,
        "https://www.youtube-nocookie.com/embed/{id}",
    ),
    (
        re.compile(rf"https://(?:www\.)?vimeo\.com/(?P<id>[0-9]{{1,15}})/?{REST}"),
        VIMEO,
        "https://player.vimeo.com/video/{id}?dnt=1",
    ),
    (
        re.compile(
            r"https://(?:www\.|m\.)?tiktok\.com/@[A-Za-z0-9_.]{1,40}/video/"
            rf"(?P<id>[0-9]{{5,25}})/?{REST}"
        ),
        TIKTOK,
        "https://www.tiktok.com/embed/v2/{id}",
    ),
    (
        re.compile(
            r"https://(?:www\.)?instagram\.com/(?P<kind>p|reel|tv)/"
            rf"(?P<id>[A-Za-z0-9_-]{{5,40}})/?{REST}"
        ),
        INSTAGRAM,
        "https://www.instagram.com/{kind}/{id}/embed/",
    ),
]
MASTODON_POST = re.compile(
    r"https://(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)/@(?P<user>[A-Za-z0-9_]{1,30})"
    rf"/(?P<id>[0-9]{{1,25}})/?{REST}"
)

# A paragraph holding nothing but an address, bare or as a link whose text
# is the address (what nh3 leaves of a pasted one; see text.clean_body).
URL_PARAGRAPH = re.compile(
    r"<p>\s*(?:<a href=\"(?P<href>[^\"<>]*)\"[^<>]*>\s*(?P<text>[^<>]*?)\s*</a>"
    r"|(?P<bare>https://[^\s<>\"]+))\s*</p>"
)


def mastodon_instances():
    """The Mastodon hosts whose posts may be embedded (lower case)."""
    return [host.lower() for host in settings.EMBED_MASTODON_INSTANCES]


def embed_frame_hosts(mastodon=None):
    """Every origin an embed's frame may come from, for the CSP's frame-src."""
    hosts = [host for p in (YOUTUBE, VIMEO, TIKTOK, INSTAGRAM) for host in p.hosts]
    instances = mastodon if mastodon is not None else mastodon_instances()
    return hosts + [f"https://{host}" for host in instances]


def find_embed(url):
    """(provider, player address) for a post's address `url`, or None for
    any other address."""
    for pattern, provider, player in PATTERNS:
        match = pattern.fullmatch(url)
        if match:
            return provider, player.format(**match.groupdict())
    match = MASTODON_POST.fullmatch(url)
    if match and match["host"] in mastodon_instances():
        return MASTODON, "https://{host}/@{user}/{id}/embed".format(**match.groupdict())
    return None


def render_embeds(body):
    """The cleaned `body` with each paragraph that holds only a known post's
    address replaced by a consent placeholder; and how many there are."""
    count = 0

    def placeholder(match):
        nonlocal count
        if match["bare"]:
            url = html.unescape(match["bare"])
        else:
            url = html.unescape(match["href"])
            if html.unescape(match["text"]).rstrip("/") != url.rstrip("/"):
                return match[0]  # a link with words of its own stays a link
        found = find_embed(url)
        if found is None:
            return match[0]
        provider, player = found
        count += 1
        return render_to_string(
            "articles/includes/embed.html",
            {"provider": provider, "url": url, "player": player},
        ).strip()

    return URL_PARAGRAPH.sub(placeholder, body), count
