#!/usr/bin/env python3
"""A loopback stand-in for one MySQL Orchestrator node's Raft HTTP API (openark/orchestrator).

It answers as Orchestrator's ``go/http/api.go`` does (docs: "Orchestrator raft" docs/raft.md,
docs/using-the-web-api.md; source: go/http/api.go, go/http/raft_reverse_proxy.go, go/raft/raft.go):

- ``GET /api/raft-leader``  -> JSON string, the leader's raft address, ``""`` when none
- ``GET /api/raft-state``   -> JSON string ``"Leader"`` / ``"Follower"`` / ``"Candidate"``
- ``GET /api/raft-health``  -> ``"healthy"``, or the error ``unhealthy``
- ``GET /api/raft-peers``   -> JSON array of ``"ip:port"`` strings, this node included
- ``GET /api/raft-status``  -> ``{"RaftBind","RaftAdvertise","State","Healthy","IsPartOfQuorum",
  "Leader","LeaderURI","Peers"}``
- ``GET /api/raft-add-peer/:addr``, ``/api/raft-remove-peer/:addr`` -> the normalized address as a
  JSON string; "delegated to the raft leader": a follower reverse-proxies them to the leader's API;
  with no leader the node handles them itself and fails with hashicorp/raft's "node is not the
  leader". Errors: "Cannot add raft peer: peer already known", "Cannot remove raft peer: peer is
  unknown". An address without a port gets DefaultRaftPort (10008).
- ``GET /api/raft-yield/:node`` -> ``{"Code":"OK","Message":"Asynchronously yielded","Details":null}``
  (not proxied; like Orchestrator it only takes effect when called on the leader).
- Errors are ``{"Code":"ERROR","Message":...,"Details":null}`` with HTTP 500, or HTTP 200 with
  ``--old-errors`` (Orchestrator before 2017). Unknown paths: 404 ``404 page not found``.

One process per peer. Peers share the cluster (membership, leader, heartbeats) through a JSON file
guarded by flock; every node heartbeats into it every 200 ms, and a leader whose heartbeat is older
than 1 s (killed or SIGSTOPped) is replaced by the lowest live member when a majority of members
is live. Not Raft: just enough of its observable behaviour for the reconcile's tests.

Test controls (not Orchestrator's): ``POST /_control/health {"unhealthy": bool}`` for this node,
``POST /_control/cluster {"peers": [...], "leader": "..."}``.

Usage: orchestrator_api.py --listen IP:PORT --advertise IP:RAFTPORT --cluster FILE
       [--peers a:10008,b:10008,...] [--old-errors]
Prints "READY <port>" on stdout once listening (PORT 0 picks a free port).
"""

import argparse
import fcntl
import http.client
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

STALE_AFTER = 1.0
TICK = 0.2
DEFAULT_RAFT_PORT = 10008


class Cluster:
    """The shared JSON file, read and written under an exclusive flock."""

    def __init__(self, path, me, api, peers):
        self.path = path
        self.me = me
        self.api = api
        with self.locked() as state:
            if not state.get("peers"):
                state["peers"] = peers or [me]
                state["leader"] = ""
            state.setdefault("nodes", {})[me] = {"api": api, "heartbeat": time.time(), "unhealthy": False}

    class _Lock:
        def __init__(self, cluster):
            self.cluster = cluster

        def __enter__(self):
            self.fd = os.open(self.cluster.path + ".lock", os.O_CREAT | os.O_RDWR, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                with open(self.cluster.path) as f:
                    self.state = json.load(f)
            except (FileNotFoundError, json.JSONDecodeError):
                self.state = {}
            return self.state

        def __exit__(self, *exc):
            tmp = self.cluster.path + ".tmp.%d" % os.getpid()
            with open(tmp, "w") as f:
                json.dump(self.state, f)
            os.replace(tmp, self.cluster.path)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            return False

    def locked(self):
        return Cluster._Lock(self)

    @staticmethod
    def live(state, now):
        return {a for a, n in state.get("nodes", {}).items() if now - n.get("heartbeat", 0) < STALE_AFTER}

    def tick(self):
        """Heartbeat, and elect a leader when the current one is gone (any live node may do it)."""
        with self.locked() as state:
            now = time.time()
            node = state.setdefault("nodes", {}).setdefault(self.me, {"api": self.api, "unhealthy": False})
            node["heartbeat"] = now
            node["api"] = self.api
            peers = state.get("peers", [])
            live = self.live(state, now) & set(peers)
            quorum = len(live) * 2 > len(peers)
            leader = state.get("leader", "")
            if not quorum:
                state["leader"] = ""
            elif leader not in live:
                state["leader"] = min(live)
                state["leader_changes"] = state.get("leader_changes", 0) + 1

    def view(self):
        """This node's view: (member, leader, peers, healthy, leader_api)."""
        with self.locked() as state:
            now = time.time()
            peers = state.get("peers", [])
            member = self.me in peers
            live = self.live(state, now) & set(peers)
            leader = state.get("leader", "") if member and len(live) * 2 > len(peers) else ""
            unhealthy = state.get("nodes", {}).get(self.me, {}).get("unhealthy", False)
            leader_api = state.get("nodes", {}).get(leader, {}).get("api") if leader else None
            return member, leader, (peers if member else [self.me]), (member and leader != "" and not unhealthy), leader_api


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body in one write (FACTS.md: Nagle + delayed ACK)
    disable_nagle_algorithm = True

    def version_string(self):
        return "orchestrator-standin"

    def log_message(self, fmt, *args):
        if self.server.args.verbose:
            sys.stderr.write("%s - %s\n" % (self.server.cluster.me, fmt % args))

    def send(self, status, body, content_type="application/json; charset=UTF-8"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def ok(self, value):
        self.send(200, value)

    def error(self, message):
        status = 200 if self.server.args.old_errors else 500
        self.send(status, {"Code": "ERROR", "Message": message, "Details": None})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        cluster = self.server.cluster
        if self.path == "/_control/health":
            with cluster.locked() as state:
                state["nodes"][cluster.me]["unhealthy"] = bool(body.get("unhealthy"))
            return self.ok({"ok": True})
        if self.path == "/_control/cluster":
            with cluster.locked() as state:
                if "peers" in body:
                    state["peers"] = body["peers"]
                if "leader" in body:
                    state["leader"] = body["leader"]
            return self.ok({"ok": True})
        self.send(404, b"404 page not found\n", "text/plain; charset=utf-8")

    def do_GET(self):
        cluster = self.server.cluster
        path = self.path.split("?", 1)[0]
        member, leader, peers, healthy, leader_api = cluster.view()
        is_leader = member and leader == cluster.me
        state = "Leader" if is_leader else ("Follower" if leader else ("Candidate" if member else "Follower"))
        if path == "/api/raft-leader":
            return self.ok(leader)
        if path == "/api/raft-state":
            return self.ok(state)
        if path == "/api/raft-health":
            return self.ok("healthy") if healthy else self.error("unhealthy")
        if path == "/api/raft-peers":
            return self.ok(peers)
        if path == "/api/raft-status":
            return self.ok(
                {
                    "RaftBind": cluster.me,
                    "RaftAdvertise": cluster.me,
                    "State": state,
                    "Healthy": healthy,
                    "IsPartOfQuorum": state in ("Leader", "Follower") and leader != "",
                    "Leader": leader,
                    "LeaderURI": ("http://" + leader_api) if leader_api else "",
                    "Peers": peers,
                }
            )
        for op in ("add", "remove"):
            prefix = f"/api/raft-{op}-peer/"
            if path.startswith(prefix):
                return self.membership(op, unquote(path[len(prefix) :]), is_leader, leader, leader_api)
        if path.startswith("/api/raft-yield/"):
            node = normalize(unquote(path[len("/api/raft-yield/") :]))
            if is_leader:
                with cluster.locked() as st:
                    if node in st.get("peers", []) and node in Cluster.live(st, time.time()):
                        st["leader"] = node
                        st["leader_changes"] = st.get("leader_changes", 0) + 1
            return self.ok({"Code": "OK", "Message": "Asynchronously yielded", "Details": None})
        self.send(404, b"404 page not found\n", "text/plain; charset=utf-8")

    def membership(self, op, raw, is_leader, leader, leader_api):
        cluster = self.server.cluster
        if not is_leader and leader and leader_api:
            # raftReverseProxy: delegated to the raft leader.
            host, port = leader_api.rsplit(":", 1)
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=5)
                conn.request("GET", self.path)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                return self.send(answer.status, data, answer.getheader("Content-Type", "application/json"))
            except OSError as e:
                return self.send(502, ("proxy error: %s" % e).encode(), "text/plain")
        verb = "add" if op == "add" else "remove"
        if not is_leader:
            return self.error(f"Cannot {verb} raft peer: node is not the leader")
        addr = normalize(raw)
        with cluster.locked() as state:
            peers = state.get("peers", [])
            if op == "add":
                if addr in peers:
                    problem = "peer already known"
                else:
                    peers.append(addr)
                    problem = None
            else:
                if addr not in peers:
                    problem = "peer is unknown"
                else:
                    peers.remove(addr)
                    problem = None
                    if state.get("leader") == addr:
                        state["leader"] = ""
            state["peers"] = peers
        if problem:
            return self.error(f"Cannot {verb} raft peer: {problem}")
        self.ok(addr)


def normalize(node):
    return node if ":" in node else f"{node}:{DEFAULT_RAFT_PORT}"


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="IP:PORT for the HTTP API (PORT 0: any)")
    parser.add_argument("--advertise", required=True, help="this node's raft address, IP:10008")
    parser.add_argument("--cluster", required=True, help="the shared cluster state file")
    parser.add_argument("--peers", default="", help="initial peers (comma-separated), if the file is new")
    parser.add_argument("--old-errors", action="store_true", help="answer errors with HTTP 200")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    server.args = args
    api = f"{host}:{server.server_address[1]}"
    peers = [normalize(p) for p in args.peers.split(",") if p]
    server.cluster = Cluster(args.cluster, normalize(args.advertise), api, peers)

    def heartbeat():
        while True:
            try:
                server.cluster.tick()
            except OSError as e:
                sys.stderr.write("heartbeat: %s\n" % e)
            time.sleep(TICK)

    threading.Thread(target=heartbeat, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
