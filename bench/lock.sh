#!/usr/bin/env bash
# Fleet lock benchmark against moto_server on loopback (docs/lock-service.md):
#  - takeover time after a crash (kill -9 of the holder's `lock run` and its command)
#  - takeover time after a clean release (the holder's command ends, the standby's starts)
#  - DynamoDB requests per hour per host, as holder and as standby
#    (from `lock run`'s exit line: requests=N elapsed_ms=T)
#
# Usage: bench/lock.sh [LEASE HEARTBEAT POLL]   (default: 30s 5s 2s, issue 5's defaults)
# Env: BIN (default .build/release/infrahoused, else .build/debug/infrahoused),
#      TRIALS (default 3), HOLD_SECONDS (default 120) for the request counts.
set -euo pipefail
cd "$(dirname "$0")/.."
LEASE=${1:-30s}; HEARTBEAT=${2:-5s}; POLL=${3:-2s}
TRIALS=${TRIALS:-3}; HOLD_SECONDS=${HOLD_SECONDS:-120}
BIN=${BIN:-}
if [[ -z "$BIN" ]]; then
  if [[ -x .build/release/infrahoused ]]; then BIN=.build/release/infrahoused; else BIN=.build/debug/infrahoused; fi
fi
WORK=$(mktemp -d /tmp/lockbench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO=$!
cleanup() { kill "$MOTO" 2>/dev/null || true; jobs -p | xargs -r kill 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/moto-api/" >/dev/null && break; sleep 0.1; done
python3 - "$PORT" <<'PY'
import boto3, sys
boto3.client("dynamodb", region_name="us-east-1", endpoint_url="http://127.0.0.1:%s" % sys.argv[1]).create_table(
    TableName="locks", BillingMode="PAY_PER_REQUEST",
    KeySchema=[{"AttributeName": "ResourceId", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "ResourceId", "AttributeType": "S"}])
PY
cat >"$WORK/c.toml" <<TOML
[aws]
region = "us-east-1"
endpoint_url = "http://127.0.0.1:$PORT"
[lock]
table = "locks"
lease = "$LEASE"
heartbeat = "$HEARTBEAT"
poll = "$POLL"
TOML
now() { date +%s.%N; }

echo "binary: $BIN; lease $LEASE, heartbeat $HEARTBEAT, poll $POLL; $TRIALS trials"

crash=()
for t in $(seq "$TRIALS"); do
  name="crash$t"
  "$BIN" lock run "$name" --config "$WORK/c.toml" -- sh -c "echo \$\$ > $WORK/holder.pid; exec sleep 100000" 2>/dev/null &
  holder=$!
  for _ in $(seq 200); do [[ -s "$WORK/holder.pid" ]] && break; sleep 0.05; done
  rm -f "$WORK/taken"
  "$BIN" lock run "$name" --wait 600s --config "$WORK/c.toml" -- sh -c "date +%s.%N > $WORK/taken" 2>/dev/null &
  standby=$!
  sleep 3
  t0=$(now)
  kill -9 "$holder"; kill -9 -- "-$(cat "$WORK/holder.pid")" 2>/dev/null || true
  wait "$standby" || true
  crash+=("$(python3 -c "print(round($(cat "$WORK/taken") - $t0, 2))")")
  rm -f "$WORK/holder.pid"
done
echo "takeover after kill -9 (s): ${crash[*]}"

release=()
for t in $(seq "$TRIALS"); do
  name="release$t"
  rm -f "$WORK/ended" "$WORK/taken"
  "$BIN" lock run "$name" --config "$WORK/c.toml" -- sh -c "sleep 4; date +%s.%N > $WORK/ended" 2>/dev/null &
  holder=$!
  sleep 1
  "$BIN" lock run "$name" --wait 600s --config "$WORK/c.toml" -- sh -c "date +%s.%N > $WORK/taken" 2>/dev/null &
  standby=$!
  wait "$holder" "$standby" || true
  release+=("$(python3 -c "print(round($(cat "$WORK/taken") - $(cat "$WORK/ended"), 2))")")
done
echo "takeover after a clean release (s): ${release[*]}"

# Requests: a holder for HOLD_SECONDS, and a standby that gives up after HOLD_SECONDS - 5.
"$BIN" lock run rate --config "$WORK/c.toml" -- sleep "$HOLD_SECONDS" 2>"$WORK/holder.log" &
holder=$!
sleep 2
"$BIN" lock run rate --wait "$((HOLD_SECONDS - 5))s" --config "$WORK/c.toml" -- true 2>"$WORK/standby.log" &
standby=$!
wait "$holder" "$standby" || true
per_hour() {
  python3 - "$1" <<'PY'
import re, sys
line = [l for l in open(sys.argv[1]) if "lock run finished" in l][-1]
req = int(re.search(r"requests=(\d+)", line).group(1)); ms = int(re.search(r"elapsed_ms=(\d+)", line).group(1))
print("%d requests in %.1f s = %d per hour" % (req, ms / 1000, round(req * 3600000 / ms)))
PY
}
echo "holder:  $(per_hour "$WORK/holder.log")"
echo "standby: $(per_hour "$WORK/standby.log")"
