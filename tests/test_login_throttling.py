"""Login throttling behind proxies: the client address comes from
X-Forwarded-For only as far as trusted proxies vouch for it, so a client
cannot pick a fresh address per attempt, and one client's failures lock
out only that client."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.proxies import client_address
from tests.factories import PASSWORD
from tests.servers import environment, run_python

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the TLS proxy as the app server sees it
ATTACKER = "203.0.113.66"
NEIGHBOUR = "198.51.100.7"


def address(remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxy_the_header_is_ignored():
    assert address(ATTACKER, "1.2.3.4") == ATTACKER
    assert address(ATTACKER) == ATTACKER


@pytest.mark.parametrize(
    "proxy_setting",
    [{"TRUSTED_PROXY_COUNT": 1}, {"TRUSTED_PROXIES": ["10.0.0.0/24"]}],
    ids=["count", "networks"],
)
def test_the_proxy_appended_address_wins_over_what_the_client_wrote(
    settings, proxy_setting
):
    for name, value in proxy_setting.items():
        setattr(settings, name, value)
    assert address(forwarded=ATTACKER) == ATTACKER
    # A client that sends its own header gets the real address appended.
    assert address(forwarded=f"1.2.3.4, 5.6.7.8, {ATTACKER}") == ATTACKER
    # A request that reached the app without the proxy: its own address.
    assert address(ATTACKER) == ATTACKER
    # Ports and IPv4-mapped IPv6 name the same client.
    assert address(forwarded=f"{ATTACKER}:51234") == ATTACKER
    assert address(forwarded=f"::ffff:{ATTACKER}") == ATTACKER


def test_a_chain_of_trusted_proxies_is_skipped(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8::/32"]
    chain = f"1.2.3.4, {ATTACKER}, 2001:db8::7, 10.0.0.9"
    assert address(forwarded=chain) == ATTACKER
    settings.TRUSTED_PROXIES = []
    settings.TRUSTED_PROXY_COUNT = 3
    assert address(forwarded=chain) == ATTACKER


def test_an_unreadable_entry_falls_back_to_the_connecting_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert address(forwarded="unknown") == PROXY
    assert address(forwarded="") == PROXY


def test_the_login_counts_failures_against_the_client_not_the_proxy(
    client, editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("admin:login"),
        {"username": editor.username, "password": "falsch"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"9.9.9.9, {ATTACKER}",
    )
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (editor.username, ATTACKER)


def login(client, username, password, **headers):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **headers
    )


@pytest.mark.parametrize(
    "proxy_setting",
    [{}, {"TRUSTED_PROXY_COUNT": 1}, {"TRUSTED_PROXIES": [PROXY]}],
    ids=["no-proxy", "count", "networks"],
)
def test_spoofed_headers_never_buy_a_thirteenth_attempt(
    client, editor, settings, proxy_setting
):
    for name, value in proxy_setting.items():
        setattr(settings, name, value)
    remote = PROXY if proxy_setting else ATTACKER
    for attempt in range(12):
        # A fresh address of the attacker's choosing each time, as the only
        # header, or followed by what the proxy appends.
        spoofed = f"192.0.2.{attempt + 1}"
        forwarded = f"{spoofed}, {ATTACKER}" if proxy_setting else spoofed
        response = login(
            client,
            editor.username,
            "falsch",
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        expected = 200 if attempt < settings.AXES_FAILURE_LIMIT - 1 else 429
        assert response.status_code == expected
    forwarded = f"192.0.2.99, {ATTACKER}" if proxy_setting else "192.0.2.99"
    response = login(
        client,
        editor.username,
        PASSWORD,
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("forwarded", [None, "", "unknown"])
def test_one_clients_failures_never_lock_out_another_address(
    editor, settings, forwarded
):
    """Behind the proxy, with the header as the proxy sends it, without one,
    and with an unreadable one: the locked pair is the failing client's."""
    settings.TRUSTED_PROXY_COUNT = 1

    def headers(client_ip):
        value = client_ip if forwarded is None else forwarded
        if forwarded is None:
            return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": value}
        # No usable header: each client reaches the app directly.
        return {"REMOTE_ADDR": client_ip, "HTTP_X_FORWARDED_FOR": value}

    attacker = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, editor.username, "falsch", **headers(ATTACKER))
    assert (
        login(attacker, editor.username, PASSWORD, **headers(ATTACKER)).status_code
        == 429
    )

    neighbour = Client()
    response = login(neighbour, editor.username, PASSWORD, **headers(NEIGHBOUR))
    assert response.status_code == 302
    assert neighbour.session["_auth_user_id"] == str(editor.pk)


def test_trusted_proxy_settings_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT)"
    )
    env = {"DJANGO_SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    result = run_python(
        environment(**env, NEWSROOM_TRUSTED_PROXIES="10.0.0.0/8, 2001:db8::1"),
        "-c",
        code,
    )
    assert result.stdout.strip() == "['10.0.0.0/8', '2001:db8::1'] 0"
    result = run_python(
        environment(**env, NEWSROOM_TRUSTED_PROXIES="10.0.0.300"), "-c", code
    )
    assert "NEWSROOM_TRUSTED_PROXIES: '10.0.0.300' is no address" in result.stderr


def test_deploy_check_warns_behind_https_without_a_trusted_proxy():
    result = run_python(
        environment(
            DJANGO_SECRET_KEY="p7Vq-9xK2mL8wR4tY6uI0oP3aS5dF1gH7jK9lZ2xC4vB6nM8qW0eR",
            DJANGO_HTTPS="1",
            DJANGO_ALLOWED_HOSTS="news.example.de",
            DATABASE_URL="sqlite:///:memory:",
            NEWSROOM_SITE_URL="https://news.example.de",
        ),
        *("manage.py", "check", "--deploy"),
    )
    assert "articles.W001" in result.stderr
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_metrics_behind_a_local_proxy_are_only_for_allowed_clients(client, settings):
    """nginx on the same machine connects from 127.0.0.1, an allowed
    address: the client behind it decides."""
    settings.TRUSTED_PROXY_COUNT = 1
    outside = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert outside.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
