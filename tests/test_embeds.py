"""Embedded posts with consent: a paragraph holding only a TikTok, YouTube,
Vimeo, Instagram or Mastodon address becomes a placeholder that loads
nothing from the provider; anything else stays as the editor wrote it."""

import pytest
from django.conf import settings

from articles.embeds import embed_frame_hosts, render_embeds
from articles.text import clean_body
from tests.html import parse_html
from tests.test_hostile_input import active_markup
from tests.xss_payloads import PAYLOADS

from .factories import make_article

# (address an editor pastes, provider, player address the button loads)
POSTS = [
    (
        "https://www.tiktok.com/@essen_ruhr/video/7491234567890123456",
        "TikTok",
        "https://www.tiktok.com/embed/v2/7491234567890123456",
    ),
    (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "YouTube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ),
    (
        "https://youtu.be/dQw4w9WgXcQ?si=abc",
        "YouTube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ),
    (
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "YouTube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ),
    (
        "https://vimeo.com/76979871",
        "Vimeo",
        "https://player.vimeo.com/video/76979871?dnt=1",
    ),
    (
        "https://www.instagram.com/p/C5abcDEF123/",
        "Instagram",
        "https://www.instagram.com/p/C5abcDEF123/embed/",
    ),
    (
        "https://www.instagram.com/reel/C5abcDEF123/?igsh=x",
        "Instagram",
        "https://www.instagram.com/reel/C5abcDEF123/embed/",
    ),
    (
        "https://social.bund.de/@BMI/112233445566778899",
        "Mastodon",
        "https://social.bund.de/@BMI/112233445566778899/embed",
    ),
]
# Our placeholder's controls, which the hostile-markup checker would report.
OWN_CONTROLS = (
    "<button [('type', 'button'), ('class', 'embed-load')]>",
    "<input [('type', 'checkbox')]>",
)


def placeholders(html):
    """The parsed placeholders in `html`: (provider key, player, link)."""
    page = parse_html(html)
    found = []
    for element in page.elements:
        if element.get("class") == "embed":
            found.append(
                (element.get("data-embed-provider"), element.get("data-embed-src"))
            )
    return found


def own_controls_only(html):
    """Active markup in `html` besides our placeholder's own controls."""
    return [
        problem
        for problem in active_markup(parse_html(html))
        if not problem.endswith(OWN_CONTROLS)
    ]


@pytest.mark.parametrize(("url", "name", "player"), POSTS)
@pytest.mark.parametrize("pasted", ["bare", "linked"])
def test_pasted_address_on_its_own_line_becomes_a_consent_placeholder(
    url, name, player, pasted
):
    escaped = url.replace("&", "&amp;")
    paragraph = (
        f"<p>{escaped}</p>"
        if pasted == "bare"
        else f'<p><a href="{escaped}">{escaped}</a></p>'
    )
    body = clean_body(f"<p>Davor.</p>{paragraph}<p>Danach.</p>")
    html, count = render_embeds(body)
    assert count == 1
    assert placeholders(html) == [(name.lower(), player)]
    page = parse_html(html)
    assert f"Beim Laden werden Daten an {name} übertragen." in page.text
    assert f"Inhalt von {name} laden" in page.text
    assert f"Inhalte von {name} immer laden" in page.text
    privacy = [a for a in page.elements if a.get("href") == "/seite/datenschutz/"]
    assert privacy and "Mehr in der Datenschutzerklärung" in page.text
    fallback = [a for a in page.elements if a.tag == "a" and a.get("href") == url]
    assert fallback and fallback[0].get("rel") == "noopener noreferrer external"
    # Nothing that a browser would fetch from the provider before the click.
    assert not [e for e in page.elements if e.tag in ("iframe", "img", "script")]
    assert [e.tag for e in page.elements if e.get("class") == "embed-load"] == [
        "button"
    ]
    assert "<p>Davor.</p>" in html and "<p>Danach.</p>" in html


@pytest.mark.parametrize(
    "body",
    [
        "<p>https://www.example.org/@user/123456</p>",  # not a provider
        "<p>https://mastodon.example/@user/123456</p>",  # instance not allowed
        "<p>https://www.tiktok.com/@essen_ruhr</p>",  # a profile, not a video
        "<p>https://www.youtube.com/watch?v=kurz</p>",  # malformed ID
        "<p>http://www.youtube.com/watch?v=dQw4w9WgXcQ</p>",  # not https
        "<p>https://vimeo.com/76979871/../../evil</p>",
        "<p>https://www.tiktok.com.evil.example/@a/video/123456789</p>",
        "<p>Unser Video: https://www.tiktok.com/@a/video/123456789</p>",
        '<p><a href="https://vimeo.com/76979871">Das Video</a></p>',  # own words
        "<ul><li>https://vimeo.com/76979871</li></ul>",
        "<p>https://vimeo.com/76979871 https://vimeo.com/1</p>",
    ],
)
def test_other_or_malformed_addresses_stay_as_written(body):
    cleaned = clean_body(body)
    assert render_embeds(cleaned) == (cleaned, 0)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_bodies_stay_inert_with_embeds_rendered(payload):
    tiktok = "https://www.tiktok.com/@a/video/123456789"
    for body in (
        f"<p>{payload}</p><p>{tiktok}</p>",
        f"<p>{tiktok}{payload}</p>",
        f'<p><a href="{tiktok}{payload}">{tiktok}{payload}</a></p>',
        f"<p>{tiktok}?x={payload}</p>",
        f'<p><a href="{tiktok}?q=&quot;&gt;{payload}">{tiktok}</a></p>',
    ):
        html, _count = render_embeds(clean_body(body))
        assert own_controls_only(html) == [], body
        for _provider, player in placeholders(html):
            assert player.startswith("https://www.tiktok.com/embed/v2/"), body


FORGED_PLACEHOLDER = (
    '<div class="embed" data-embed-provider="tiktok" '
    'data-embed-src="javascript:alert(1)"><button onclick=alert(1)>x</button>'
    "<iframe src=//evil.example></iframe></div>"
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cleaned_body_never_holds_a_placeholder_or_iframe(payload):
    """Placeholders are made when the page is rendered; what is stored is
    what nh3 leaves of whatever an editor posts."""
    cleaned = clean_body(f"{FORGED_PLACEHOLDER}{payload}")
    assert "data-embed" not in cleaned
    assert "<iframe" not in cleaned and "<button" not in cleaned


@pytest.mark.django_db
def test_forged_placeholder_is_stripped_on_save_and_not_shown(client):
    article = make_article(body=FORGED_PLACEHOLDER)
    article.refresh_from_db()
    assert "data-embed" not in article.body
    page = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in page and "evil.example" not in page


def test_csp_allows_frames_from_exactly_the_embed_providers():
    frame_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
    assert frame_src == ["'self'", *embed_frame_hosts()]
    assert embed_frame_hosts(mastodon=["social.bund.de"]) == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://www.tiktok.com",
        "https://www.instagram.com",
        "https://social.bund.de",
    ]


def test_mastodon_posts_of_a_configured_instance_become_placeholders(settings):
    body = clean_body("<p>https://kommunal.social/@essen/1234567</p>")
    assert render_embeds(body)[1] == 0
    settings.EMBED_MASTODON_INSTANCES = ["kommunal.social"]
    assert placeholders(render_embeds(body)[0]) == [
        ("mastodon", "https://kommunal.social/@essen/1234567/embed")
    ]


@pytest.mark.django_db
def test_article_page_loads_the_embed_script_only_with_an_embed(client):
    plain = make_article()
    assert "embeds.js" not in client.get(plain.get_absolute_url()).content.decode()
    article = make_article(body="<p>https://vimeo.com/76979871</p>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<script src="/static/js/embeds.js" defer></script>' in page
    assert 'data-embed-src="https://player.vimeo.com/video/76979871?dnt=1"' in page


@pytest.mark.django_db
def test_demo_tiktok_article_shows_the_citys_video_as_a_placeholder(demo_site, client):
    page = client.get("/artikel/essen-stadt-startet-tiktok-kanal/").content.decode()
    assert placeholders(page) == [
        ("tiktok", "https://www.tiktok.com/embed/v2/7491234567890123456")
    ]
