vcl 4.1;
# Varnish in front of the site, keeping visitors' pages and dropping them by key.
#
# The site marks a visitor's page public with s-maxage=SHARED_CACHE_SECONDS and names
# what it depends on in Surrogate-Key ("site experts thread:12"; config/pagecache.py).
# With PURGE_URL=http://127.0.0.1:6081/ each write sends PURGE with the keys it moved
# in xkey-purge, and every page holding one of them is dropped at once: pages may be
# kept long (SHARED_CACHE_SECONDS=3600) and a write still shows at once.
# Requests with a session cookie (members) always go to the site, and anything not
# marked public (Cache-Control: private) is never stored.
# Needs the xkey module (Debian: apt-get install varnish varnish-modules); TLS ends in
# nginx in front (deploy/nginx.conf, proxy_pass to this port instead of gunicorn).
# scripts/varnish-check runs this file against the site and checks each of these.

import xkey;

backend site {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the site's own hosts.
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
            return (synth(400, "Name the keys in xkey-purge"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # A visitor's other cookies (the CSRF cookie) change nothing on a public page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Only what the site marks public is kept (builtin VCL: no Set-Cookie, a TTL).
    if (beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_pass {
    set req.http.x-passed = "1";
}

sub vcl_deliver {
    if (req.http.x-passed) {
        set resp.http.X-Proxy-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Proxy-Cache = "HIT";
    } else {
        set resp.http.X-Proxy-Cache = "MISS";
    }
    unset resp.http.xkey;
}
