"""Who the client is, as far as this app can tell.

A client can write any X-Forwarded-For it likes; only the addresses that
our own proxies appended are true. Each proxy appends the address that
connected to it, so the chain is read from the right: past the trusted
proxies, the next address is the client. Without a trusted proxy the header
is ignored and the connecting address is the client."""

import ipaddress

from django.conf import settings


def parse_address(text):
    """`text` as an IP address, also written with a port ("1.2.3.4:5678",
    "[2001:db8::1]:443") or IPv4-mapped; None when it is none."""
    text = text.strip()
    if text.startswith("["):  # [IPv6]:port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4:port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def trusted_networks():
    """The networks of NEWSROOM_TRUSTED_PROXIES, parsed."""
    return [
        ipaddress.ip_network(network, strict=False)
        for network in settings.TRUSTED_PROXIES
    ]


def is_trusted(address, networks):
    return any(address in network for network in networks)


def forwarded_chain(request):
    """Every address the request passed, the client's first: those in
    X-Forwarded-For (joined when the header came several times), then the
    connecting one. An unreadable entry is kept as None."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [parse_address(part) for part in forwarded.split(",") if part.strip()]
    return [*chain, parse_address(request.META.get("REMOTE_ADDR", ""))]


def client_address(request):
    """The client's IP address as a string. Every feature that limits or
    records clients (login throttling, rate limits) asks here, so all agree.

    With NEWSROOM_TRUSTED_PROXIES, the right-most address of the chain that
    is not one of those proxies; with NEWSROOM_TRUSTED_PROXY_COUNT = n, the
    address n places left of the connecting one (what the farthest of our
    n proxies saw); else the connecting address. An entry a trusted proxy
    cannot have written falls back to the connecting address, so a client
    can never choose its own."""
    chain = forwarded_chain(request)
    if settings.TRUSTED_PROXIES:
        networks = trusted_networks()
        client = chain[-1]
        for address in reversed(chain):
            client = address
            if address is None or not is_trusted(address, networks):
                break
    elif settings.TRUSTED_PROXY_COUNT:
        client = chain[max(0, len(chain) - 1 - settings.TRUSTED_PROXY_COUNT)]
    else:
        client = chain[-1]
    if client is None:
        client = chain[-1]
    # Without any address (no REMOTE_ADDR at all) every such client is one.
    return str(client) if client is not None else "0.0.0.0"
