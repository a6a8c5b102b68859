#!/usr/bin/env bash
# TOML parser benchmark: our parser (release build) next to Python's tomllib, same inputs, same run.
# usage: bench/toml-bench.sh [MB]   (size of the generated document, default 5)
# Inputs: a generated document of MB megabytes, and the realistic config etc/infrahoused.toml.
# Each parser parses each input repeatedly for about 2 s; the median time per parse is reported.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="$ROOT/.build/toml-bench"
SWIFTC="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"
mkdir -p "$OUT"

echo "building the parser with -O -wmo (release) ..."
# Run swiftc inside the output directory: any module files it writes stay there.
(cd "$OUT" && "$SWIFTC" -O -wmo -parse-as-library -module-name InfraHouseTOMLBench \
    "$ROOT"/Sources/InfraHouseTOML/*.swift "$HERE/toml-bench.swift" -o "$OUT/toml-bench")

python3 "$HERE/toml_generate_large.py" "$OUT/large.toml" "${1:-5}"
INPUTS=("$OUT/large.toml" "$ROOT/etc/infrahoused.toml")

SWIFT_RESULTS="$("$OUT/toml-bench" "${INPUTS[@]}")"
PYTHON_RESULTS="$(python3 "$HERE/toml_tomllib_bench.py" "${INPUTS[@]}")"
echo "$SWIFT_RESULTS"
echo "$PYTHON_RESULTS"

python3 - "$SWIFT_RESULTS" "$PYTHON_RESULTS" <<'PY'
import sys
def rows(text):
    out = {}
    for line in text.strip().splitlines():
        fields = line.split()
        values = dict(f.split("=", 1) for f in fields[2:])
        out[fields[1]] = values
    return out
ours, theirs = rows(sys.argv[1]), rows(sys.argv[2])
print()
print("| input | size | infrahoused parser (median; best) | tomllib (median; best) | speed-up (median; best) |")
print("|---|---|---|---|---|")
for path, mine in ours.items():
    other = theirs[path]
    name = path.split("/")[-1]
    size = int(mine["bytes"])
    shown = "%.1f MB" % (size / 1e6) if size > 100000 else "%.1f KB" % (size / 1e3)
    speedup = float(other["median_us"]) / float(mine["median_us"])
    best = float(other["best_us"]) / float(mine["best_us"])
    print("| %s | %s | %s us, %s MB/s; %s us | %s us, %s MB/s; %s us | %.1fx; %.1fx |" % (
        name, shown, mine["median_us"], mine["mb_per_s"], mine["best_us"], other["median_us"], other["mb_per_s"],
        other["best_us"], speedup, best))
PY
