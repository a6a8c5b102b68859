#!/usr/bin/env python3
"""The boto3 side of bench/aws-getitem.sh: N GetItem calls, then one JSON line
with the process's CPU time (including importing boto3) and peak RSS."""
import json
import os
import resource
import time

import boto3


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


n = int(os.environ.get("BENCH_CALLS", "1000"))
table = os.environ.get("BENCH_TABLE", "bench")
client = boto3.client("dynamodb")
start = cpu()
found = 0
for _ in range(n):
    if "Item" in client.get_item(TableName=table, Key={"pk": {"S": "bench-key"}}):
        found += 1
loop = cpu() - start
print(json.dumps({"client": "boto3", "calls": n, "found": found, "cpu_total_s": cpu(), "cpu_loop_s": loop,
                  "cpu_user_s": resource.getrusage(resource.RUSAGE_SELF).ru_utime,
                  "cpu_sys_s": resource.getrusage(resource.RUSAGE_SELF).ru_stime,
                  "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
