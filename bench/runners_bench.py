#!/usr/bin/env python3
"""Runner listing benchmark (issue 6): `infrahoused runners list` next to
Python infrahouse-core's `GitHubActions.runners`, over the same loopback GitHub
stand-in (Tests/Standins/github_api.py), in the same run.

Usage: bench/runners_bench.py BINARY [--counts 1000,100000] [--repeat 3]

Wall time is from spawn to exit; peak RSS is the child's ru_maxrss (wait4).
infrahouse-core hard-codes https://api.github.com; the driver rewrites that
prefix to the stand-in (the stand-in's Link headers already point at itself).
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "bench-token"

PY_DRIVER = r"""
import sys, requests
import infrahouse_core.github as gh
base = sys.argv[1]
real_get = gh.get
def get(url, *a, **kw):
    return real_get(url.replace("https://api.github.com", base), *a, **kw)
gh.get = get
actions = gh.GitHubActions(gh.GitHubAuth(token=sys.argv[2], org="acme"))
n = 0
for runner in actions.runners:
    n += 1
print(n)
"""


def start_standin(count):
    p = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Standins/github_api.py"), "0",
                          "--runners", str(count), "--token", TOKEN, "--rate-limit", "100000000"],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().split()
    return p, "http://127.0.0.1:%s" % line[1]


def run(argv, env=None):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    lines = 0
    last = b""
    for chunk in iter(lambda: p.stdout.read(1 << 16), b""):
        lines += chunk.count(b"\n")
        last = chunk
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    return wall, usage.ru_maxrss / 1024.0, lines, last, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--counts", default="1000,100000")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    for count in [int(c) for c in a.counts.split(",")]:
        standin, base = start_standin(count)
        try:
            d = tempfile.mkdtemp(prefix="runners-bench-")
            cfg = os.path.join(d, "infrahoused.toml")
            with open(cfg, "w") as f:
                f.write(f'[runners]\napi_url = "{base}"\norg = "acme"\ntoken_env = "BENCH_GITHUB_TOKEN"\n')
            env = dict(os.environ, BENCH_GITHUB_TOKEN=TOKEN)
            swift, python = [], []
            run([a.binary, "runners", "list", "--config", cfg], env)  # warm the stand-in's page cache
            for _ in range(a.repeat):
                wall, rss, lines, _, code = run([a.binary, "runners", "list", "--config", cfg], env)
                assert code == 0 and lines == count + 1, (code, lines)
                swift.append((wall, rss))
                wall, rss, _, last, code = run([sys.executable, "-c", PY_DRIVER, base, TOKEN])
                assert code == 0 and int(last.strip()) == count, (code, last)
                python.append((wall, rss))
            sw = statistics.median(w for w, _ in swift); sr = max(r for _, r in swift)
            pw = statistics.median(w for w, _ in python); pr = max(r for _, r in python)
            print(f"runners={count} infrahoused: wall {sw:.3f} s, peak RSS {sr:.1f} MiB | "
                  f"infrahouse-core: wall {pw:.3f} s, peak RSS {pr:.1f} MiB | speed-up {pw / sw:.1f}x",
                  flush=True)
        finally:
            standin.terminate()
            standin.wait()


if __name__ == "__main__":
    main()
