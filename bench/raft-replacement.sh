#!/bin/sh
# Time from an instance replacement to a healthy, complete Raft membership,
# and API calls per heartbeat: real etcd (3 members on loopback) + moto's
# Auto Scaling, RaftHeartbeat with reconcile on, heartbeats every
# RAFT_BENCH_INTERVAL seconds (default 5), RAFT_BENCH_ROUNDS replacements (default 3).
#
# Usage: bench/raft-replacement.sh [interval_seconds] [rounds]
# Prints one JSON line per round and a summary (also in .build/raft-replacement.json).
set -eu
cd "$(dirname "$0")/.."
export RAFT_BENCH=1
export RAFT_BENCH_INTERVAL="${1:-${RAFT_BENCH_INTERVAL:-5}}"
export RAFT_BENCH_ROUNDS="${2:-${RAFT_BENCH_ROUNDS:-3}}"
export RAFT_BENCH_OUT="$PWD/.build/raft-replacement.json"
mkdir -p .build
swift build --build-tests >/dev/null
swift test --skip-build --filter RaftReplacementBenchmark >/dev/null 2>&1 || {
  echo "benchmark failed; rerun: swift test --filter RaftReplacementBenchmark" >&2
  exit 1
}
cat "$RAFT_BENCH_OUT"
