#!/usr/bin/env python3
"""tomllib's side of bench/toml-bench.sh: same files, same output format."""
import sys
import time
import tomllib

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8")
    tomllib.loads(text)
    samples = []
    deadline = time.perf_counter() + 2.0
    while len(samples) < 3 or (time.perf_counter() < deadline and len(samples) < 100000):
        start = time.perf_counter()
        tomllib.loads(text)
        samples.append(time.perf_counter() - start)
    samples.sort()
    best, median = samples[0], samples[len(samples) // 2]
    print("tomllib %s bytes=%d runs=%d best_us=%.1f median_us=%.1f mb_per_s=%.1f"
          % (path, len(data), len(samples), best * 1e6, median * 1e6, len(data) / 1e6 / median))
