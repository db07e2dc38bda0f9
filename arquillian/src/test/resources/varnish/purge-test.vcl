vcl 4.1;

import xkey;

# The cache PurgeIT runs Tidings' purge sinks against (docs/adr/0014): PURGE removes one object (the URL and Host
# of the request), or, with an xkey-purge header, every object tagged (by the origin's xkey response header) with any
# of the keys the header names (the xkey vmod of Debian's varnish-modules, answering 200 with the count); BAN removes
# every object of the request's Host whose URL starts with the X-Ban-Prefix header; all from loopback only. The ban is on the object's own copies of its URL and Host (x-url, x-host), so that Varnish's ban
# lurker can apply it in the background. @ORIGIN_PORT@ is replaced by the test.

backend origin {
    .host = "127.0.0.1";
    .port = "@ORIGIN_PORT@";
}

acl purgers {
    "127.0.0.1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.X-Ban-Prefix) {
            return (synth(400, "X-Ban-Prefix missing"));
        }
        # the prefix is a literal: its regular-expression characters are escaped
        ban("obj.http.x-host == " + req.http.host + " && obj.http.x-url ~ ^"
            + regsuball(req.http.X-Ban-Prefix, "([][\\^$.|?*+(){}])", "\\\1"));
        return (synth(200, "Banned"));
    }
}

sub vcl_backend_response {
    set beresp.http.x-url = bereq.url;
    set beresp.http.x-host = bereq.http.host;
}

sub vcl_deliver {
    unset resp.http.x-url;
    unset resp.http.x-host;
}
