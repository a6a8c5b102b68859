#!/usr/bin/env python3
"""Loopback HTTP stand-in for the InfraHouseCore tests.

Prints its port on the first stdout line and exits when stdin closes, so the
test process that started it owns its lifetime.

Routes:
  /echo                 JSON of method, path, headers, body and the client's port
  /slow?ms=N            answers after N ms
  /stall                sends headers and 10 bytes of a 1 MB body, then stalls 30 s
  /bytes?n=N[&chunked=1] N bytes (chunked: no Content-Length)
  /flaky?key=K&fail=N&status=S&code=C&style=json|query
                        answers S with an AWS error C for the first N hits of K, then 200
  /count?key=K          how many times /flaky saw K
  /skew                 an AWS JSON service whose clock runs SKEW seconds ahead:
                        RequestTimeTooSkewed unless X-Amz-Date is within 5 min of it
  /latest/...           an IMDSv2 stand-in (token PUT, role, credentials, region)
  /sts/                 unsigned AssumeRoleWithWebIdentity stand-in
  /ssm/                 SSM SendCommand / GetCommandInvocation stand-in that "runs"
                        `echo X` (stdout X), `fail` (exit 2, stderr), `hang` (never ends)

A second listener serves the same routes over TLS with a throwaway
self-signed certificate (made with the openssl CLI), so clients that verify
peers must refuse it. The handshake line is "PORT TLS_PORT".
"""
import base64
import datetime
import email.utils
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
COMMANDS = {}
LOCK = threading.Lock()
TOKENS = set()
CREDENTIAL_SERIAL = [0]
IMDS_ROLE = os.environ.get("IMDS_ROLE", "infrahoused-test-role")
IMDS_EXPIRY_SECONDS = int(os.environ.get("IMDS_EXPIRY_SECONDS", "3600"))
SKEW_SECONDS = int(os.environ.get("SKEW_SECONDS", "3600"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def log_message(self, *args):
        pass

    def date_time_string(self, timestamp=None):
        # The /skew route plays a service whose clock runs SKEW_SECONDS ahead.
        now = time.time() + (SKEW_SECONDS if self.path.startswith("/skew") else 0)
        return email.utils.formatdate(now, usegmt=True)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, body=b"", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        self._route()

    def do_POST(self):
        self._route()

    def do_PUT(self):
        self._route()

    def do_DELETE(self):
        self._route()

    def do_PATCH(self):
        self._route()

    def do_HEAD(self):
        self._route()

    def _route(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        body = self._body()
        path = url.path
        if path.startswith("/latest/"):
            return self._imds(path)
        if path == "/ssm/":
            return self._ssm(self.headers.get("X-Amz-Target", ""), json.loads(body or b"{}"))
        if path == "/sts/":
            return self._sts(dict(urllib.parse.parse_qsl(body.decode())))
        if path == "/echo":
            out = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": base64.b64encode(body).decode(),
                "client_port": self.client_address[1],
            }
            return self._send(200, json.dumps(out), {"Content-Type": "application/json", "Link": "<a>; rel=next", "link": "<b>; rel=last"})
        if path == "/slow":
            time.sleep(int(q.get("ms", "1000")) / 1000)
            return self._send(200, "slow")
        if path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 20))
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(30)
            self.close_connection = True
            return
        if path == "/bytes":
            n = int(q.get("n", "0"))
            if q.get("chunked") == "1":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                left = n
                while left > 0:
                    k = min(left, 16384)
                    self.wfile.write(b"%x\r\n" % k + b"y" * k + b"\r\n")
                    left -= k
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                return
            return self._send(200, b"y" * n)
        if path == "/flaky":
            key = q.get("key", "")
            with LOCK:
                COUNTS[key] = COUNTS.get(key, 0) + 1
                hit = COUNTS[key]
            if hit <= int(q.get("fail", "0")):
                status = int(q.get("status", "503"))
                code = q.get("code", "ServiceUnavailable")
                if q.get("style") == "query":
                    err = ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>try again</Message></Error>"
                           "<RequestId>req-%d</RequestId></ErrorResponse>" % (code, hit))
                    return self._send(status, err, {"Content-Type": "text/xml"})
                err = json.dumps({"__type": "com.amazonaws.test#" + code, "message": "try again"})
                return self._send(status, err, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-%d" % hit})
            if q.get("style") == "query":
                return self._send(200, "<OkResponse><Result><Hit>%d</Hit></Result></OkResponse>" % hit, {"Content-Type": "text/xml"})
            return self._send(200, json.dumps({"hit": hit}), {"Content-Type": "application/x-amz-json-1.0"})
        if path == "/count":
            with LOCK:
                return self._send(200, str(COUNTS.get(q.get("key", ""), 0)))
        if path == "/skew":
            now = time.time() + SKEW_SECONDS
            headers = {"Content-Type": "application/x-amz-json-1.0"}
            amz = self.headers.get("X-Amz-Date", "")
            try:
                sent = datetime.datetime.strptime(amz, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
            except ValueError:
                sent = 0
            if abs(sent - now) > 300:
                err = json.dumps({"__type": "RequestTimeTooSkewed", "message": "Signature expired"})
                return self._send(400, err, headers)
            return self._send(200, json.dumps({"ok": True}), headers)
        return self._send(404, "no route " + path)

    def _ssm(self, target, req):
        def error(code, message):
            return self._send(400, json.dumps({"__type": code, "message": message}),
                              {"Content-Type": "application/x-amz-json-1.1"})
        if "Authorization" not in self.headers:
            return error("MissingAuthenticationToken", "unsigned")
        if target == "AmazonSSM.SendCommand":
            with LOCK:
                cid = "cmd-%d" % (len(COMMANDS) + 1)
                COMMANDS[cid] = {"command": req["Parameters"]["commands"][0], "polls": 0,
                                 "instance": req["InstanceIds"][0]}
            return self._send(200, json.dumps({"Command": {"CommandId": cid, "Status": "Pending"}}),
                              {"Content-Type": "application/x-amz-json-1.1"})
        if target == "AmazonSSM.GetCommandInvocation":
            with LOCK:
                c = COMMANDS.get(req.get("CommandId"))
                if c is None or c["instance"] != req.get("InstanceId"):
                    return error("InvalidCommandId", "no such command")
                c["polls"] += 1
                polls = c["polls"]
            if polls == 1:  # as in AWS, right after SendCommand
                return error("InvocationDoesNotExist", "not yet")
            cmd = c["command"]
            if polls == 2 or cmd == "hang":
                out = {"Status": "InProgress", "ResponseCode": -1}
            elif cmd == "fail":
                out = {"Status": "Failed", "ResponseCode": 2, "StandardOutputContent": "",
                       "StandardErrorContent": "boom\n"}
            else:
                text = cmd[5:] if cmd.startswith("echo ") else ""
                out = {"Status": "Success", "ResponseCode": 0, "StandardOutputContent": text + "\n",
                       "StandardErrorContent": ""}
            out.update({"CommandId": req["CommandId"], "InstanceId": req["InstanceId"]})
            return self._send(200, json.dumps(out), {"Content-Type": "application/x-amz-json-1.1"})
        return error("InvalidAction", target)

    def _sts(self, form):
        """AssumeRoleWithWebIdentity as STS answers it: unsigned, token in the form.
        (moto with signature checking on answers unsigned calls with a bare 500.)"""
        if form.get("Action") != "AssumeRoleWithWebIdentity" or "Authorization" in self.headers:
            err = "<ErrorResponse><Error><Code>InvalidAction</Code><Message>unsigned web identity only</Message></Error></ErrorResponse>"
            return self._send(400, err, {"Content-Type": "text/xml"})
        if form.get("WebIdentityToken") != "header.payload.signature":
            err = "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad token</Message></Error></ErrorResponse>"
            return self._send(400, err, {"Content-Type": "text/xml"})
        exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        arn = form.get("RoleArn", "").replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/" + form.get("RoleSessionName", "")
        xml = ("<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
               "<AccessKeyId>ASIAWEBIDENTITY</AccessKeyId><SecretAccessKey>webid-secret</SecretAccessKey>"
               "<SessionToken>webid-token</SessionToken><Expiration>%s</Expiration></Credentials>"
               "<AssumedRoleUser><Arn>%s</Arn></AssumedRoleUser></AssumeRoleWithWebIdentityResult>"
               "</AssumeRoleWithWebIdentityResponse>") % (exp, arn)
        return self._send(200, xml, {"Content-Type": "text/xml"})

    def _imds(self, path):
        if path == "/latest/api/token":
            if self.command != "PUT":
                return self._send(405, "")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if not ttl or not ttl.isdigit() or not (1 <= int(ttl) <= 21600):
                return self._send(400, "")
            token = "tok-" + base64.b32encode(os.urandom(10)).decode()
            with LOCK:
                TOKENS.add(token)
            return self._send(200, token, {"X-aws-ec2-metadata-token-ttl-seconds": ttl})
        with LOCK:
            ok = self.headers.get("X-aws-ec2-metadata-token") in TOKENS
        if not ok:
            return self._send(401, "")
        base = "/latest/meta-data/iam/security-credentials/"
        if path == base:
            return self._send(200, IMDS_ROLE)
        if path == base + IMDS_ROLE:
            with LOCK:
                CREDENTIAL_SERIAL[0] += 1
                n = CREDENTIAL_SERIAL[0]
            exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=IMDS_EXPIRY_SECONDS)
            doc = {
                "Code": "Success",
                "LastUpdated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "Type": "AWS-HMAC",
                "AccessKeyId": "ASIAIMDS%06d" % n,
                "SecretAccessKey": "imds-secret-%d" % n,
                "Token": "imds-token-%d" % n,
                "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            return self._send(200, json.dumps(doc))
        if path == "/latest/meta-data/placement/region":
            return self._send(200, "eu-west-3")
        return self._send(404, "")


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients that hang up (cancellation tests) are expected


def tls_server():
    """The same routes over TLS with a self-signed certificate nobody trusts."""
    workdir = tempfile.mkdtemp(prefix="loopback-tls-")
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return server


def main():
    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tls = tls_server()
    print(server.server_address[1], tls.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=tls.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the test process goes away


if __name__ == "__main__":
    main()
