#!/usr/bin/env python3
"""Daemon benchmarks: exec-to-READY=1 latency, idle RSS and idle CPU.

Usage: bench/daemon_bench.py BINARY CONFIG [--runs N] [--idle SECONDS]

Starts BINARY `run --config CONFIG` with a unix datagram socket as
NOTIFY_SOCKET (as systemd would), times exec -> READY=1 over N runs, then
keeps one instance running for SECONDS and reads its RSS (VmRSS, VmHWM) and
CPU time (utime+stime from /proc/PID/stat) over that window.
"""
import argparse, os, signal, socket, statistics, subprocess, tempfile, time

def start(binary, config, sock_path):
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    env.pop("WATCHDOG_USEC", None); env.pop("JOURNAL_STREAM", None)
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "run", "--config", config], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, t0

def wait_ready(sock, timeout=10):
    sock.settimeout(timeout)
    while True:
        data = sock.recv(4096).decode()
        if "READY=1" in data:
            return time.monotonic()

def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary"); ap.add_argument("config")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--idle", type=float, default=60)
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="ihd-bench-")
    path = os.path.join(d, "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(path)
    lat = []
    for _ in range(a.runs):
        p, t0 = start(a.binary, a.config, path)
        lat.append((wait_ready(s) - t0) * 1000)
        p.send_signal(signal.SIGTERM); p.wait(10)
        while True:  # drain STOPPING etc.
            s.settimeout(0.05)
            try: s.recv(4096)
            except socket.timeout: break
    lat.sort()
    print(f"exec_to_ready_ms median={statistics.median(lat):.1f} p90={lat[int(len(lat)*0.9)-1]:.1f} min={lat[0]:.1f} max={lat[-1]:.1f} runs={len(lat)}")
    p, t0 = start(a.binary, a.config, path)
    wait_ready(s)
    time.sleep(1)
    c0 = cpu_seconds(p.pid); w0 = time.monotonic()
    time.sleep(a.idle)
    c1 = cpu_seconds(p.pid); w1 = time.monotonic()
    st = proc_status(p.pid)
    print(f"idle_window_s={w1-w0:.1f} idle_cpu_percent={(c1-c0)/(w1-w0)*100:.3f} cpu_s={c1-c0:.3f}")
    print(f"rss_after_idle VmRSS={st['VmRSS']} VmHWM={st['VmHWM']} threads={st['Threads']}")
    p.send_signal(signal.SIGTERM)
    print(f"exit_code={p.wait(30)}")

if __name__ == "__main__":
    main()
