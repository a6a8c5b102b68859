#!/usr/bin/env python3
"""A loopback stand-in for the parts of GitHub's REST API that runner housekeeping uses.

It follows GitHub's documentation (REST API version 2022-11-28):

- "REST API endpoints for self-hosted runners" (docs.github.com/en/rest/actions/self-hosted-runners):
  "List self-hosted runners for an organization" / "... for a repository"
  (GET /orgs/{org}/actions/runners, GET /repos/{owner}/{repo}/actions/runners,
  ``{"total_count": N, "runners": [...]}``, ``per_page`` default 30, max 100, ``page`` default 1),
  "Get a self-hosted runner ..." (GET .../runners/{runner_id}),
  "Delete a self-hosted runner from an organization" / "... from a repository" (DELETE, 204).
- "Using pagination in the REST API": a ``Link`` header with rel="next", "last", "first", "prev";
  page-number (offset) pagination, so deleting runners shifts later pages as on GitHub.
- "Rate limits for the REST API": ``x-ratelimit-limit``, ``-remaining``, ``-used``, ``-reset``,
  ``-resource`` on every response; a spent primary budget answers 403 with remaining 0;
  a secondary limit answers 403 (or 429) with ``retry-after`` and the documented message.
- "Troubleshooting the REST API" / error bodies ``{"message": ..., "documentation_url": ...}``,
  an ``X-GitHub-Request-Id`` on every response, 401 "Bad credentials".
- "Generating a JSON Web Token (JWT) for a GitHub App" (RS256, ``iat``/``exp`` at most 10 minutes
  apart, ``iss`` the app id), "Get an organization installation for the authenticated app"
  (GET /orgs/{org}/installation, GET /repos/{owner}/{repo}/installation), and
  "Create an installation access token for an app" (POST /app/installations/{id}/access_tokens,
  201 ``{"token", "expires_at", "permissions", "repository_selection"}``).

A runner answering DELETE while busy gets 422: GitHub documents 422 "Validation failed, or the
endpoint has been spammed"; the message text here is a stand-in's.

Runners are generated lazily from their index (100,000 cost nothing until listed). Tests drive
faults and state through ``/_control/...`` (see ``Control`` below). Python 3.11 stdlib only;
the JWT signature is verified with ``openssl dgst -sha256 -verify`` in a subprocess.

Usage: github_api.py PORT [--host 127.0.0.1] [--runners N] [--token T]... [--app-id ID
       --app-public-key FILE [--installation-id ID] [--installation-token-ttl S]]
       [--rate-limit N] [--reset-seconds S] [--verbose]
Prints "READY <port>" on stdout once listening (PORT 0 picks a free port).
"""

import argparse
import base64
import bisect
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DOCS = "https://docs.github.com/rest"
RUNNER_DOCS = "https://docs.github.com/rest/actions/self-hosted-runners"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {rid}."
)


class RunnerStore:
    """One scope's runners (an org, or an owner/repo): lazy base runners 1..N plus added ones."""

    def __init__(self, count):
        self.count = count
        self.deleted = []  # sorted ids of deleted base runners
        self.overrides = {}  # id -> dict of changed fields
        self.added = {}  # id -> runner dict, ids > count
        self.next_id = count + 1
        self.version = 0  # bumped on every change; keys the rendered-page cache
        self.rendered = {}  # (offset, limit, version) -> JSON bytes of the runners array

    def base(self, rid):
        runner = {
            "id": rid,
            "name": f"runner-{rid}",
            "os": "linux",
            "status": "online",
            "busy": False,
            "ephemeral": False,
            "labels": [
                {"id": 1, "name": "self-hosted", "type": "read-only"},
                {"id": 2, "name": "Linux", "type": "read-only"},
                {"id": 3, "name": "X64", "type": "read-only"},
                {"id": 4, "name": f"instance_id:i-{rid:017x}", "type": "custom"},
            ],
        }
        runner.update(self.overrides.get(rid, {}))
        return runner

    def exists(self, rid):
        if rid in self.added:
            return True
        if 1 <= rid <= self.count:
            i = bisect.bisect_left(self.deleted, rid)
            return not (i < len(self.deleted) and self.deleted[i] == rid)
        return False

    def get(self, rid):
        if not self.exists(rid):
            return None
        if rid in self.added:
            return self.added[rid]
        return self.base(rid)

    def page_json(self, offset, limit):
        """The JSON of a page's runners array, rendered once per store version, so a
        benchmark measures the client rather than this server's json.dumps."""
        key = (offset, limit, self.version)
        data = self.rendered.get(key)
        if data is None:
            if len(self.rendered) > 50000 or (self.rendered and next(iter(self.rendered))[2] != self.version):
                self.rendered.clear()
            data = json.dumps(self.page(offset, limit)).encode()
            self.rendered[key] = data
        return data

    def delete(self, rid):
        self.version += 1
        if rid in self.added:
            del self.added[rid]
        else:
            bisect.insort(self.deleted, rid)
            self.overrides.pop(rid, None)

    def total(self):
        return self.count - len(self.deleted) + len(self.added)

    def nth_base(self, k):
        """The id of the k-th (0-based) live base runner."""
        rid = k + 1
        while True:
            shifted = k + 1 + bisect.bisect_right(self.deleted, rid)
            if shifted == rid:
                return rid
            rid = shifted

    def page(self, offset, limit):
        out = []
        live_base = self.count - len(self.deleted)
        if offset < live_base:
            rid = self.nth_base(offset)
            while len(out) < limit and rid <= self.count:
                if self.exists(rid):
                    out.append(self.base(rid))
                rid += 1
        if len(out) < limit:
            added = sorted(self.added)
            start = max(0, offset - live_base)
            for rid in added[start : start + (limit - len(out))]:
                out.append(self.added[rid])
        return out

    def update(self, rid, fields):
        self.version += 1
        if rid in self.added:
            self.added[rid].update(fields)
        else:
            self.overrides.setdefault(rid, {}).update(fields)

    def add(self, fields):
        self.version += 1
        rid = self.next_id
        self.next_id += 1
        runner = {
            "id": rid,
            "name": fields.get("name", f"runner-{rid}"),
            "os": fields.get("os", "linux"),
            "status": fields.get("status", "online"),
            "busy": bool(fields.get("busy", False)),
            "ephemeral": False,
            "labels": [
                {"id": 100 + i, "name": n, "type": "custom"} for i, n in enumerate(fields.get("labels", ["self-hosted"]))
            ],
        }
        self.added[rid] = runner
        return runner


class State:
    """Everything the server knows, behind one lock."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.stores = {}
        self.tokens = set(args.token or [])
        self.installation_tokens = {}  # token -> expiry epoch
        self.limit = args.rate_limit
        self.used = {}  # token -> used this window
        self.reset_at = int(time.time()) + args.reset_seconds
        self.faults = {}
        self.requests = []  # (method, path, status)
        self.seen_jtis = set()
        self.public_key = args.app_public_key

    def store(self, scope):
        if scope not in self.stores:
            self.stores[scope] = RunnerStore(self.args.runners)
        return self.stores[scope]

    def take_fault(self, name):
        """Returns the fault's settings and counts one use of it, or None."""
        fault = self.faults.get(name)
        if not fault:
            return None
        count = fault.get("count", 1)
        if count == 0:
            return None
        if count > 0:
            fault["count"] = count - 1
        return fault


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_jwt(state, token):
    """Checks an app JWT: RS256 signature against the public key, iss, iat, exp. Returns an error or None."""
    parts = token.split(".")
    if len(parts) != 3 or not state.public_key:
        return "A JSON web token could not be decoded"
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, json.JSONDecodeError):
        return "A JSON web token could not be decoded"
    if header.get("alg") != "RS256":
        return "A JSON web token could not be decoded"
    with tempfile.NamedTemporaryFile(delete=False) as sig:
        sig.write(signature)
    try:
        check = subprocess.run(
            ["openssl", "dgst", "-sha256", "-verify", state.public_key, "-signature", sig.name],
            input=(parts[0] + "." + parts[1]).encode(),
            capture_output=True,
        )
    finally:
        os.unlink(sig.name)
    if check.returncode != 0:
        return "A JSON web token could not be decoded"
    now = int(time.time())
    if str(claims.get("iss")) != str(state.args.app_id):
        return "'Issuer' claim ('iss') must be an Integer"
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or iat > now + 60:
        return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
    if not isinstance(exp, int) or exp <= now or exp - iat > 600:
        return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in one write: with the default unbuffered wfile every
    # keep-alive request would stall on Nagle + delayed ACK (see FACTS.md).
    wbufsize = 1 << 20
    disable_nagle_algorithm = True

    def version_string(self):
        return "GitHub.com"

    def log_message(self, fmt, *args):
        if self.server.state.args.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    # ---- responses -------------------------------------------------------------------------

    def send(self, status, body=None, headers=None, token=None):
        state = self.server.state
        request_id = "%04X:%04X:%06X:%06X:%08X" % tuple(secrets.randbits(b) for b in (16, 16, 24, 24, 32))
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-GitHub-Request-Id", request_id)
        self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
        if token is not None:
            with state.lock:
                used = state.used.get(token, 0)
                self.send_header("x-ratelimit-limit", str(state.limit))
                self.send_header("x-ratelimit-remaining", str(max(0, state.limit - used)))
                self.send_header("x-ratelimit-used", str(used))
                self.send_header("x-ratelimit-reset", str(state.reset_at))
                self.send_header("x-ratelimit-resource", "core")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
        with state.lock:
            state.requests.append((self.command, self.path, status))
        return request_id

    def error(self, status, message, docs=DOCS, headers=None, token=None):
        self.send(status, {"message": message, "documentation_url": docs, "status": str(status)}, headers, token)

    # ---- routing ---------------------------------------------------------------------------

    def do_GET(self):
        self.route("GET")

    def do_DELETE(self):
        self.route("DELETE")

    def do_POST(self):
        self.route("POST")

    def body_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else {}

    def route(self, method):
        url = urlsplit(self.path)
        path = url.path
        if path.startswith("/api/v3/"):  # GitHub Enterprise Server's prefix
            path = path[len("/api/v3") :]
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if path.startswith("/_control/"):
            return self.control(method, path, self.body_json() if method == "POST" else {})
        if method == "POST":
            self.body_json()

        m = re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)
        if m and method == "POST":
            return self.app_call(lambda: self.access_token(int(m.group(1))))
        m = re.fullmatch(r"/(orgs/[^/]+|repos/[^/]+/[^/]+)/installation", path)
        if m and method == "GET":
            return self.app_call(lambda: self.installation(m.group(1)))

        m = re.fullmatch(r"/(orgs/[^/]+|repos/[^/]+/[^/]+)/actions/runners/registration-token", path)
        if m and method == "POST":
            # "Create a registration token for an organization": 201 {"token", "expires_at"} (one hour).
            token = self.authenticate()
            if token is None:
                return self.error(401, "Bad credentials")
            expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
            return self.send(201, {"token": "AABF3JGZDX3P5PMEXLND6TS6FCWO6" + secrets.token_hex(4).upper(),
                                   "expires_at": expires}, token=token)

        m = re.fullmatch(r"/(orgs/[^/]+|repos/[^/]+/[^/]+)/actions/runners(?:/(\d+))?", path)
        if not m:
            return self.error(404, "Not Found")
        token = self.authenticate()
        if token is None:
            return self.error(401, "Bad credentials")
        if not self.charge(token):
            return
        scope, rid = m.group(1).lower(), m.group(2)
        if rid is None and method == "GET":
            return self.list_runners(scope, query, token, url.path)
        if rid is not None and method == "GET":
            return self.get_runner(scope, int(rid), token)
        if rid is not None and method == "DELETE":
            return self.delete_runner(scope, int(rid), token)
        return self.error(404, "Not Found", token=token)

    def authenticate(self):
        """The request's token when it is valid, else None."""
        auth = self.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not value:
            return None
        state = self.server.state
        with state.lock:
            if value in state.tokens:
                return value
            expiry = state.installation_tokens.get(value)
            if expiry is not None and expiry > time.time():
                return value
        return None

    def charge(self, token):
        """Counts one request against the primary budget; answers 403/429 when a limit applies."""
        state = self.server.state
        with state.lock:
            now = int(time.time())
            if now >= state.reset_at:
                state.used.clear()
                state.reset_at = now + state.args.reset_seconds
            secondary = state.take_fault("secondary_limit")
            if not secondary:
                if state.used.get(token, 0) >= state.limit:
                    exhausted = True
                else:
                    state.used[token] = state.used.get(token, 0) + 1
                    exhausted = False
        if secondary:
            headers = {}
            if secondary.get("retry_after") is not None:
                headers["retry-after"] = str(secondary["retry_after"])
            status = secondary.get("status", 403)
            rid = "%08X" % secrets.randbits(32)
            self.send(
                status,
                {"message": SECONDARY_MESSAGE.format(rid=rid), "documentation_url": DOCS + "/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"},
                headers,
                token,
            )
            return False
        if exhausted:
            self.error(403, "API rate limit exceeded for installation.", DOCS + "/overview/rate-limits-for-the-rest-api", token=token)
            return False
        return True

    # ---- runners ---------------------------------------------------------------------------

    def list_runners(self, scope, query, token, raw_path):
        state = self.server.state
        try:
            per_page = int(query.get("per_page", 30))
        except ValueError:
            per_page = 30
        try:
            page = int(query.get("page", 1))
        except ValueError:
            page = 1
        per_page = max(1, min(per_page, 100))
        page = max(1, page)
        with state.lock:
            store = state.store(scope)
            total = store.total()
            runners = store.page_json((page - 1) * per_page, per_page)
            malformed = state.faults.get("malformed_page")
            hit = malformed and malformed.get("page", page) == page and state.take_fault("malformed_page")
            server_error = state.take_fault("server_error")
        if server_error:
            return self.send(server_error.get("status", 502), b"<html>Bad Gateway</html>", token=token)
        last = max(1, -(-total // per_page))
        base = f"http://{self.headers.get('Host', '127.0.0.1')}{raw_path}"
        links = []
        if page < last:
            links.append(f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"')
            links.append(f'<{base}?per_page={per_page}&page={last}>; rel="last"')
        if page > 1:
            links.append(f'<{base}?per_page={per_page}&page=1>; rel="first"')
            links.append(f'<{base}?per_page={per_page}&page={page - 1}>; rel="prev"')
        headers = {"Link": ", ".join(links)} if links else {}
        if hit:
            kind = malformed.get("kind", "bad_json")
            body = b'{"total_count": 5, "runners": [{"id": 1,' if kind == "bad_json" else json.dumps({"total_count": total}).encode()
            return self.send(200, body, headers, token)
        self.send(200, b'{"total_count": %d, "runners": %s}' % (total, runners), headers, token)

    def get_runner(self, scope, rid, token):
        state = self.server.state
        with state.lock:
            runner = state.store(scope).get(rid)
        if runner is None:
            return self.error(404, "Not Found", RUNNER_DOCS + "#get-a-self-hosted-runner-for-an-organization", token=token)
        self.send(200, runner, token=token)

    def delete_runner(self, scope, rid, token):
        state = self.server.state
        with state.lock:
            store = state.store(scope)
            runner = store.get(rid)
            busy = runner is not None and runner["busy"]
            if runner is not None and not busy:
                store.delete(rid)
        if runner is None:
            return self.error(404, "Not Found", RUNNER_DOCS + "#delete-a-self-hosted-runner-from-an-organization", token=token)
        if busy:
            return self.error(
                422,
                f'Bad request - Runner "{runner["name"]}" is still running a job"',
                RUNNER_DOCS + "#delete-a-self-hosted-runner-from-an-organization",
                token=token,
            )
        self.send(204, None, token=token)

    # ---- GitHub App ------------------------------------------------------------------------

    def app_call(self, action):
        auth = self.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not value:
            return self.error(401, "A JSON web token could not be decoded")
        problem = verify_jwt(self.server.state, value)
        if problem:
            return self.error(401, problem)
        action()

    def installation(self, scope):
        args = self.server.state.args
        owner = scope.split("/")[1]
        self.send(
            200,
            {
                "id": args.installation_id,
                "app_id": int(args.app_id),
                "target_type": "Organization" if scope.startswith("orgs/") else "User",
                "account": {"login": owner, "id": 1, "type": "Organization"},
                "permissions": {"organization_self_hosted_runners": "write", "administration": "write"},
                "repository_selection": "all",
                "access_tokens_url": f"http://{self.headers.get('Host')}/app/installations/{args.installation_id}/access_tokens",
            },
        )

    def access_token(self, installation_id):
        state = self.server.state
        if installation_id != state.args.installation_id:
            return self.error(404, "Not Found", DOCS + "/apps/apps#create-an-installation-access-token-for-an-app")
        token = "ghs_" + secrets.token_urlsafe(27)[:36]
        expiry = time.time() + state.args.installation_token_ttl
        with state.lock:
            state.installation_tokens[token] = expiry
        self.send(
            201,
            {
                "token": token,
                "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expiry)),
                "permissions": {"organization_self_hosted_runners": "write"},
                "repository_selection": "all",
            },
        )

    # ---- control ---------------------------------------------------------------------------

    def control(self, method, path, body):
        """Test controls (not GitHub's):
        POST /_control/runners/{scope...}/{id}  {"busy":..,"status":..,"name":..,"labels":[..]}
        POST /_control/add/{scope...}           {"name":..,"status":..,"busy":..,"labels":[..]} -> runner
        POST /_control/fault/{name}             {"count": n (-1 forever), ...}; names:
             secondary_limit {"retry_after": s|null, "status": 403|429}, malformed_page {"page": p,
             "kind": "bad_json"|"missing_runners"}, server_error {"status": 502}
        POST /_control/rate                     {"limit": n, "remaining": n, "reset_in": s}
        GET  /_control/stats                    {"requests": [[method, path, status]...], "deleted": {...}}
        POST /_control/reset-stats
        where {scope...} is "orgs/ORG" or "repos/OWNER/REPO".
        """
        state = self.server.state
        with state.lock:
            m = re.fullmatch(r"/_control/runners/((?:orgs/[^/]+)|(?:repos/[^/]+/[^/]+))/(\d+)", path)
            if m and method == "POST":
                store = state.store(m.group(1).lower())
                rid = int(m.group(2))
                if not store.exists(rid):
                    result = (404, {"message": "no such runner"})
                else:
                    fields = dict(body)
                    if "labels" in fields:
                        fields["labels"] = [{"id": 200 + i, "name": n, "type": "custom"} for i, n in enumerate(fields["labels"])]
                    store.update(rid, fields)
                    result = (200, store.get(rid))
            elif (m := re.fullmatch(r"/_control/add/((?:orgs/[^/]+)|(?:repos/[^/]+/[^/]+))", path)) and method == "POST":
                result = (201, state.store(m.group(1).lower()).add(body))
            elif (m := re.fullmatch(r"/_control/fault/([a-z_]+)", path)) and method == "POST":
                state.faults[m.group(1)] = dict(body, count=body.get("count", 1))
                result = (200, state.faults[m.group(1)])
            elif path == "/_control/rate" and method == "POST":
                if "limit" in body:
                    state.limit = int(body["limit"])
                if "remaining" in body:
                    for t in list(state.tokens) + list(state.installation_tokens):
                        state.used[t] = max(0, state.limit - int(body["remaining"]))
                if "reset_in" in body:
                    state.reset_at = int(time.time()) + int(body["reset_in"])
                result = (200, {"limit": state.limit, "reset": state.reset_at})
            elif path == "/_control/stats" and method == "GET":
                result = (
                    200,
                    {
                        "requests": state.requests,
                        "deleted": {scope: s.deleted for scope, s in state.stores.items()},
                        "installation_tokens": len(state.installation_tokens),
                    },
                )
            elif path == "/_control/reset-stats" and method == "POST":
                state.requests = []
                result = (200, {})
            else:
                result = (404, {"message": "unknown control"})
        data = json.dumps(result[1]).encode()
        self.send_response(result[0])
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def exit_on_signals():
    """A parent that blocks signals (Swift's test runner does) passes its mask on: unblock
    SIGTERM/SIGINT so that terminate() ends the stand-in."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))


def main():
    exit_on_signals()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--runners", type=int, default=0)
    parser.add_argument("--token", action="append")
    parser.add_argument("--app-id", default="12345")
    parser.add_argument("--app-public-key")
    parser.add_argument("--installation-id", type=int, default=4242)
    parser.add_argument("--installation-token-ttl", type=int, default=3600)
    parser.add_argument("--rate-limit", type=int, default=5000)
    parser.add_argument("--reset-seconds", type=int, default=3600)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
