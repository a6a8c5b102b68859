#!/usr/bin/env bash
# 1,000 DynamoDB GetItem calls against moto on loopback: our release-built
# Swift client (aws-bench) next to boto3, in the same run, same server, same
# signed user. Prints one JSON line per client and the ratios.
#   BENCH_CALLS=1000 bench/aws-getitem.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS="${BENCH_CALLS:-1000}"

swift build -c release --product aws-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/aws-bench"

# moto with signature checking on; the fixture prints its JSON then waits on stdin.
FIFO="$(mktemp -u)"
mkfifo "$FIFO"
python3 Tests/Support/moto_fixture.py <"$FIFO" >"$FIFO.out" &
FIXTURE=$!
exec 3>"$FIFO"
trap 'exec 3>&-; wait $FIXTURE 2>/dev/null; rm -f "$FIFO" "$FIFO.out"' EXIT
for _ in $(seq 1 300); do [ -s "$FIFO.out" ] && break; sleep 0.1; done
read -r ENDPOINT KEY SECRET < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["endpoint"], d["access_key_id"], d["secret_access_key"])' "$FIFO.out")

export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET"
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export BENCH_TABLE=bench BENCH_CALLS="$CALLS"
unset AWS_PROFILE AWS_SESSION_TOKEN || true

python3 - <<'PY'
import boto3
c = boto3.client("dynamodb")
c.create_table(TableName="bench", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
               AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
c.put_item(TableName="bench", Item={"pk": {"S": "bench-key"}, "owner": {"S": "host-a"}, "expires": {"N": "1700000000"}})
PY

SWIFT_JSON="$("$BIN")"
BOTO_JSON="$(python3 bench/aws_getitem_boto3.py)"
echo "$SWIFT_JSON"
echo "$BOTO_JSON"
python3 - "$SWIFT_JSON" "$BOTO_JSON" <<'PY'
import json, sys
s, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert s["found"] == s["calls"] and b["found"] == b["calls"], "not every GetItem found the item"
print(json.dumps({
    "cpu_total_ratio_swift_over_boto3": round(s["cpu_total_s"] / b["cpu_total_s"], 3),
    "cpu_loop_ratio_swift_over_boto3": round(s["cpu_loop_s"] / b["cpu_loop_s"], 3),
    "swift_peak_rss_mib": round(s["peak_rss_kib"] / 1024, 1),
    "boto3_peak_rss_mib": round(b["peak_rss_kib"] / 1024, 1),
    "targets": "cpu ratio <= 0.2, swift peak RSS <= 25 MiB",
}))
PY
