#!/usr/bin/env python3
"""A forwarding HTTP proxy on loopback, as RFC 9112 §3.2.2 describes for
requests through a proxy: the client sends the absolute URI
(`POST http://127.0.0.1:PORT/ HTTP/1.1`); the proxy forwards the request to
that origin and relays the answer. Each request line it receives is appended
to LOGFILE, so a test can see what went through the proxy.

Usage: http_proxy.py LOGFILE      prints "proxy PORT", serves until killed.
"""
import http.client
import signal
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade"}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def relay(self):
        with open(LOG, "a") as f:
            f.write(f"{self.command} {self.path}\n")
        target = urllib.parse.urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            self.send_error(400, "absolute http:// URI expected")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        upstream.request(self.command, path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for k, v in answer.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = relay

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the test process may pass it on ignored
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    print("proxy", server.server_address[1], flush=True)
    server.serve_forever()
