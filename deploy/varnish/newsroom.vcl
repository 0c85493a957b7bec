# Varnish in front of the newsroom's app servers (Debian: apt-get install
# varnish varnish-modules). Start it, for example, with
#
#   varnishd -a :80 -f /etc/varnish/newsroom.vcl -s malloc,1g
#
# and give every app server NEWSROOM_PURGE_URLS=http://<this host>:80/.
#
# The contract (articles/page_cache.py): every cacheable reader response
# carries its dependency keys in the `xkey` header and Cache-Control with
# s-maxage; when content changes, the app sends `PURGE /` with the keys in
# `xkey-purge`, and every response carrying one of them is dropped. So pages
# are cached for long and are never stale.
vcl 4.1;

import std;
import xkey;

# The app server(s); several go into a director (vmod directors).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    # The probe also lets the app apply scheduled publications on time while
    # Varnish answers all readers.
    .probe = {
        .url = "/health/live";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
    }
}

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    # Editors, the admin and the operators' endpoints are never cached.
    if (req.url ~ "^/(admin/|health/|metrics)" || req.http.Cookie ~ "sessionid=") {
        return (pass);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Tracking parameters never change a page: one object per page, not per
    # newsletter link (the app ignores them the same way).
    set req.url = regsuball(req.url,
        "([?&])(utm_[^=&]*|pk_[^=&]*|mtm_[^=&]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_ga|_gl)=[^&]*",
        "\1");
    set req.url = regsuball(req.url, "&&+", "&");
    set req.url = regsub(req.url, "\?&", "?");
    set req.url = regsub(req.url, "[?&]$", "");
    set req.url = std.querysort(req.url);
    # Readers have no cookie the pages depend on; the site has one language.
    unset req.http.Cookie;
    unset req.http.Accept-Language;
    # Serve a stale copy for 30 s while fetching a fresh one
    # (stale-while-revalidate); up to a day while the app servers fail
    # (stale-if-error).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (!beresp.http.xkey) {
        # Nothing could purge it: the app did not say what it shows.
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    set beresp.grace = 1d;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
}
