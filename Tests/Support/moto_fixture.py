#!/usr/bin/env python3
"""Starts moto_server on a free loopback port with signature checking on.

The first INITIAL_NO_AUTH_ACTION_COUNT requests create an IAM user, its
access key and an allow-all policy; everything after that must be signed
with that key (a wrong secret gets SignatureDoesNotMatch). A second role is
created for assume-role tests. Prints one JSON line:
  {"endpoint", "access_key_id", "secret_access_key", "role_arn", "account"}
then waits until stdin closes and stops moto.

--serialized: serve one request at a time (moto's WSGI app behind a lock).
moto's TransactWriteItems rolls a cancelled transaction back by restoring a
copy of the whole table taken when it began; under the threaded server that
erases writes other requests committed meanwhile (seen as two lock holders
given the same fence). DynamoDB serializes writes to an item; serializing
moto's requests gives the lock tests that same linearizable store.
"""
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import boto3

BOOTSTRAP_ACTIONS = 4
SERIALIZED_SERVER = """
import signal, sys, threading
signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the test process may pass it on ignored
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()
def serialized(environ, start_response):
    with lock:
        return list(app(environ, start_response))
run_simple("127.0.0.1", int(sys.argv[1]), serialized, threaded=True, request_handler=MotoRequestHandler)
"""
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    """PR_SET_PDEATHSIG: moto dies with this script, whatever ends it."""
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the finally below
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(BOOTSTRAP_ACTIONS))
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(k, None)
    if "--serialized" in sys.argv[1:]:
        command = [sys.executable, "-c", SERIALIZED_SERVER, str(port)]
    else:
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    moto = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=die_with_parent)
    endpoint = "http://127.0.0.1:%d" % port
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).read()
                break
            except Exception:
                time.sleep(0.1)
        anon = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam = boto3.client("iam", **anon)
        iam.create_user(UserName="infrahoused-test")
        key = iam.create_access_key(UserName="infrahoused-test")["AccessKey"]
        policy = iam.create_policy(PolicyName="allow-all", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
        iam.attach_user_policy(UserName="infrahoused-test", PolicyArn=policy)
        signed = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                      aws_secret_access_key=key["SecretAccessKey"])
        iam = boto3.client("iam", **signed)
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
        role = iam.create_role(RoleName="infrahoused-second", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.attach_role_policy(RoleName="infrahoused-second", PolicyArn=policy)
        account = boto3.client("sts", **signed).get_caller_identity()["Account"]
        print(json.dumps({"endpoint": endpoint, "access_key_id": key["AccessKeyId"],
                          "secret_access_key": key["SecretAccessKey"], "role_arn": role, "account": account}), flush=True)
        sys.stdin.read()
    finally:
        moto.terminate()
        try:
            moto.wait(timeout=5)
        except subprocess.TimeoutExpired:
            moto.kill()


if __name__ == "__main__":
    main()
