#!/usr/bin/env bash
# Runner listing: infrahoused vs Python infrahouse-core over the loopback GitHub stand-in.
# Usage: bench/runners.sh [--counts 1000,100000] [--repeat 3]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --static-swift-stdlib --product infrahoused >/dev/null
python3 bench/runners_bench.py .build/release/infrahoused "$@"
