#!/usr/bin/env python3
"""Starts moto_server on a free loopback port with signature checking on.

The first INITIAL_NO_AUTH_ACTION_COUNT requests create an IAM user, its
access key and an allow-all policy; everything after that must be signed
with that key (a wrong secret gets SignatureDoesNotMatch). A second role is
created for assume-role tests. Prints one JSON line:
  {"endpoint", "access_key_id", "secret_access_key", "role_arn", "account"}
then waits until stdin closes and stops moto.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3

BOOTSTRAP_ACTIONS = 4
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(BOOTSTRAP_ACTIONS))
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(k, None)
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
