#!/usr/bin/env python3
"""Python's stock static file server (http.server) over DIR, on a free port
of 127.0.0.1, with the content types tlog-tiles names, as a deployment
configures its web server: `checkpoint` as text/plain; charset=utf-8, every
other file (tiles and entry bundles) as application/octet-stream.

    serve_static.py DIR

Prints "Serving HTTP on 127.0.0.1 port N ..." when it listens.
"""

import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path):
        if path.rstrip("/").endswith("/checkpoint") or path == "checkpoint":
            return "text/plain; charset=utf-8"
        return "application/octet-stream"

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: serve_static.py DIR")
    handler = functools.partial(Handler, directory=sys.argv[1])
    http.server.test(HandlerClass=handler, port=0, bind="127.0.0.1")
