#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, then `swift test`
# (which starts moto_server, the GitHub and Orchestrator stand-ins and etcd itself).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
test -x .build/debug/infrahoused
swift test --skip-build --no-parallel 2>&1
