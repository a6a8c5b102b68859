#!/usr/bin/env bash
# The daemon's RSS and CPU after 60 s with every task of the sample config
# running against local peers (the README's first command, scripts/demo.py:
# fleet lock, runner housekeeping over the GitHub stand-in and moto, Raft
# heartbeats over three Orchestrator stand-ins, a [[command]]), for the release
# build as shipped (--static-swift-stdlib). Prints one line per run, then the
# resident memory by mapping of the last run.
# Usage: bench/daemon-all-tasks.sh [RUNS] [SECONDS] [--sample-intervals]
# (--sample-intervals: the sample config's intervals instead of the demo's shorter ones)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
swift build -c release --static-swift-stdlib --product infrahoused >/dev/null
bin=.build/release/infrahoused
echo "binary: $bin ($(du -h "$bin" | cut -f1)), $runs runs of $seconds s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
  python3 scripts/demo.py "$bin" --seconds "$seconds" --measure "$@" 2>&1 | grep '^demo: \(after\|RSS by\)' >/tmp/infrahoused-all-tasks.$$
  grep '^demo: after' /tmp/infrahoused-all-tasks.$$ | sed "s/^demo: /run $i: /"
done
grep '^demo: RSS by' /tmp/infrahoused-all-tasks.$$ | sed 's/^demo: /last run: /'
rm -f /tmp/infrahoused-all-tasks.$$
