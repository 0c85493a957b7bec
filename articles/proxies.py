"""Who the client is, as far as this app can tell."""


def client_address(request):
    """The client's IP address. Every feature that limits or records clients
    (login throttling, rate limits) asks here, so all agree."""
    return request.META.get("REMOTE_ADDR", "")
