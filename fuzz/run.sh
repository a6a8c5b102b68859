#!/usr/bin/env bash
# Builds the TOML parser fuzzer (libFuzzer + AddressSanitizer/LeakSanitizer) and runs it
# for a bounded time.  usage: fuzz/run.sh [SECONDS]   (default 120)
# A crash, a leak, or an input that takes longer than 5 s (a hang) stops the run with
# a non-zero exit and leaves the input in fuzz/artifacts/.
set -euo pipefail
SECONDS_TO_RUN="${1:-120}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
SWIFTC="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"
BIN="$ROOT/.build/fuzz"
CORPUS="$HERE/corpus"
mkdir -p "$BIN" "$CORPUS" "$HERE/artifacts"

rm -f "$BIN/fuzz-toml"
echo "building .build/fuzz/fuzz-toml ..."
# Run swiftc inside the output directory: any module files it writes stay there.
(cd "$BIN" && "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name InfraHouseTOMLFuzz \
    "$ROOT"/Sources/InfraHouseTOML/*.swift "$HERE/FuzzTOMLParser.swift" \
    -o "$BIN/fuzz-toml" 2>&1 | grep -v "ld.gold: warning: Cannot export local symbol") || true
test -x "$BIN/fuzz-toml"

# Seed corpus: the sample configuration and the seed documents.
cp "$ROOT/etc/infrahoused.toml" "$CORPUS/sample.toml"
cp "$HERE"/seeds/*.toml "$CORPUS/" 2>/dev/null || true

echo "fuzzing for ${SECONDS_TO_RUN}s ..."
"$BIN/fuzz-toml" "$CORPUS" \
    -dict="$HERE/toml.dict" \
    -max_total_time="$SECONDS_TO_RUN" \
    -timeout=5 \
    -rss_limit_mb=2048 \
    -max_len=4096 \
    -detect_leaks=1 \
    -print_final_stats=1 \
    -artifact_prefix="$HERE/artifacts/" 2>&1 | tee "$BIN/last-run.log" | grep -E "^#|ERROR|SUMMARY|stat::|Done" | tail -25
exit "${PIPESTATUS[0]}"
