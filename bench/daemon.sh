#!/usr/bin/env bash
# Daemon figures for BENCHMARKS.md: exec-to-READY, idle RSS after 60 s and idle CPU,
# for the release build as shipped (--static-swift-stdlib).
# Usage: bench/daemon.sh [IDLE_SECONDS] [CONFIG]
set -euo pipefail
cd "$(dirname "$0")/.."
idle=${1:-60}
config=${2:-bench/daemon-bench.toml}
swift build -c release --static-swift-stdlib --product infrahoused >/dev/null
bin=.build/release/infrahoused
echo "binary: $bin ($(du -h "$bin" | cut -f1)), config: $config"
python3 bench/daemon_bench.py "$bin" "$config" --runs 20 --idle "$idle"
