#!/usr/bin/env bash
# The daemon's main job on a local, embedded default: installs what is missing,
# builds, starts local AWS (moto) and GitHub stand-ins, and runs infrahoused in
# the foreground. Ctrl-C stops it gracefully. Extra arguments go to scripts/demo.py
# (e.g. --seconds 60 to stop by itself).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product infrahoused
exec python3 scripts/demo.py .build/debug/infrahoused "$@"
