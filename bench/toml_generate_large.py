#!/usr/bin/env python3
"""Writes a large, varied TOML document for bench/toml-bench.sh: usage toml_generate_large.py OUT [MB]."""
import random
import sys

out, megabytes = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
rng = random.Random(42)
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
parts = ["# generated benchmark document\ntitle = \"large\"\n"]
size = 0
n = 0
while size < megabytes * 1_000_000:
    n += 1
    block = []
    block.append("\n[service-%d]\n" % n)
    block.append("name = \"%s-%d\"  # a comment\n" % (rng.choice(words), n))
    block.append("enabled = %s\n" % rng.choice(["true", "false"]))
    block.append("port = %d\n" % rng.randint(1, 65535))
    block.append("weight = %.6f\n" % rng.random())
    block.append("limit = 1_000_%03d\n" % rng.randint(0, 999))
    block.append("mask = 0x%X\n" % rng.getrandbits(32))
    block.append("started = 2024-%02d-%02dT%02d:%02d:%02dZ\n" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)))
    block.append("day = 2024-%02d-%02d\n" % (rng.randint(1, 12), rng.randint(1, 28)))
    block.append("description = \"%s\\t%s \\u00e9 \\\"quoted\\\"\"\n" % (rng.choice(words), rng.choice(words)))
    block.append("path = 'C:\\%s\\%s'\n" % (rng.choice(words), rng.choice(words)))
    block.append("tags = [%s]\n" % ", ".join('"%s"' % rng.choice(words) for _ in range(rng.randint(1, 6))))
    block.append("numbers = [%s]\n" % ", ".join(str(rng.randint(-10**9, 10**9)) for _ in range(8)))
    block.append("limits = { cpu = %.2f, memory = \"%dMi\", burst = %s }\n" % (rng.random() * 4, rng.randint(64, 4096), rng.choice(["true", "false"])))
    block.append("meta.owner = \"%s\"\nmeta.team.name = \"%s\"\n" % (rng.choice(words), rng.choice(words)))
    block.append("notes = \"\"\"\nline one of %s\nline two\\\n  continued\"\"\"\n" % rng.choice(words))
    for k in range(2):
        block.append("[[service-%d.check]]\nname = \"check-%d\"\ninterval = \"%ds\"\nargs = [\"--verbose\", \"--count=%d\"]\n" % (n, k, rng.randint(1, 60), k))
    text = "".join(block)
    parts.append(text)
    size += len(text)
with open(out, "w") as f:
    f.write("".join(parts))
