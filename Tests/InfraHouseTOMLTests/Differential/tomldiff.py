#!/usr/bin/env python3
"""Differential testing of infrahoused's TOML parser against Python's tomllib.

  tomldiff.py generate --seed N --count N --out DIR
      Writes DIR/NNNNN.toml documents (random valid documents, half of them then
      mutated at the byte level) and, for each document tomllib accepts,
      DIR/NNNNN.expected.json (tomllib's result as toml-test tagged JSON).

  tomldiff.py compare DIR
      For each DIR/NNNNN.toml, the Swift side has written NNNNN.actual.json (accepted)
      or NNNNN.error (rejected). Compares acceptance and values; prints every
      disagreement and exits 1 if there is any.

Known, documented divergences (not counted as failures, reported as 'skipped'):
  * integers outside the signed 64-bit range: tomllib accepts them (Python ints are
    unbounded); TOML 1.0 says a parser must reject what it cannot represent losslessly.
  * year 0000: RFC 3339 allows it, tomllib rejects it (Python's datetime starts at year 1).
"""
import datetime
import json
import math
import os
import random
import re
import struct
import sys
import tomllib

# ---------------------------------------------------------------- generation

BARE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
UNICODE_SAMPLES = ["é", "ß", "€", "😀", "中文", "\u00a0", "ǅ", "ℵ"]


class Gen:
    def __init__(self, rng):
        self.r = rng

    def key(self):
        r = self.r
        choice = r.random()
        if choice < 0.7:
            return "".join(r.choice(BARE) for _ in range(r.randint(1, 8)))
        if choice < 0.85:
            return '"' + self.basic_body(allow_newline=False, short=True) + '"'
        if choice < 0.95:
            body = "".join(r.choice(BARE + " .#=[]") for _ in range(r.randint(0, 6)))
            return "'" + body + "'"
        return r.choice(['""', "''", "1234", "true", "inf", "nan", "-", "_"])

    def basic_body(self, allow_newline, short=False):
        r = self.r
        parts = []
        for _ in range(r.randint(0, 4 if short else 10)):
            c = r.random()
            if c < 0.5:
                parts.append("".join(r.choice(BARE + " .,#=[]{}'") for _ in range(r.randint(1, 6))))
            elif c < 0.7:
                parts.append(r.choice(["\\b", "\\t", "\\n", "\\f", "\\r", '\\"', "\\\\"]))
            elif c < 0.8:
                parts.append("\\u%04X" % r.choice([0x41, 0xE9, 0x20AC, 0xFFFD, 0x0, 0x7F, 0xD7FF, 0xE000]))
            elif c < 0.85:
                parts.append("\\U%08X" % r.choice([0x1F600, 0x10FFFF, 0x41]))
            elif c < 0.95:
                parts.append(r.choice(UNICODE_SAMPLES))
            elif allow_newline:
                parts.append(r.choice(["\n", '"', '""', "\\\n   ", "\\  \n\n  "]))
            else:
                parts.append("\t")
        return "".join(parts)

    def literal_body(self, allow_newline):
        r = self.r
        alphabet = BARE + " .,#=[]{}\"\\\t"
        s = "".join(r.choice(alphabet) for _ in range(r.randint(0, 12)))
        if r.random() < 0.3:
            s += r.choice(UNICODE_SAMPLES)
        if allow_newline and r.random() < 0.5:
            s += r.choice(["\n", "'", "''", "\n\n"]) + "x"
        return s

    def string(self):
        r = self.r
        c = r.random()
        if c < 0.4:
            return '"' + self.basic_body(False) + '"'
        if c < 0.6:
            return "'" + self.literal_body(False) + "'"
        if c < 0.8:
            lead = r.choice(["", "\n"])
            body = self.basic_body(True)
            tail = r.choice(["", '"', '""'])
            if body.endswith("\\"):
                body += "x"
            return '"""' + lead + body + tail + '"""'
        lead = r.choice(["", "\n"])
        tail = r.choice(["", "'", "''"])
        return "'''" + lead + self.literal_body(True) + tail + "'''"

    def digits(self, alphabet, count):
        r = self.r
        out = r.choice(alphabet)
        for _ in range(count - 1):
            if r.random() < 0.15:
                out += "_"
            out += r.choice(alphabet)
        return out

    def integer(self):
        r = self.r
        c = r.random()
        if c < 0.5:
            sign = r.choice(["", "", "+", "-"])
            if r.random() < 0.1:
                return sign + "0"
            return sign + r.choice("123456789") + self.digits("0123456789", r.randint(1, 18))[1:] if r.random() < 0.5 else sign + self.digits("123456789", 1) + ("_" + self.digits("0123456789", 3) if r.random() < 0.3 else "")
        if c < 0.7:
            return "0x" + self.digits("0123456789abcdefABCDEF", r.randint(1, 15))
        if c < 0.85:
            return "0o" + self.digits("01234567", r.randint(1, 20))
        if c < 0.95:
            return "0b" + self.digits("01", r.randint(1, 62))
        return r.choice(["9223372036854775807", "-9223372036854775808", "0x7FFFFFFFFFFFFFFF", "-0", "+0"])

    def float_(self):
        r = self.r
        c = r.random()
        if c < 0.1:
            return r.choice(["inf", "+inf", "-inf", "nan", "+nan", "-nan"])
        sign = r.choice(["", "", "+", "-"])
        whole = "0" if r.random() < 0.3 else self.digits("123456789", 1) + self.digits("0123456789", r.randint(1, 6))[1:]
        out = sign + whole
        has_frac = r.random() < 0.7
        if has_frac:
            out += "." + self.digits("0123456789", r.randint(1, 17))
        if not has_frac or r.random() < 0.4:
            out += r.choice("eE") + r.choice(["", "+", "-"]) + self.digits("0123456789", r.randint(1, 3))
        return out

    def date(self):
        r = self.r
        y = r.randint(1, 9999)
        m = r.randint(1, 12)
        d = r.randint(1, 31 if r.random() < 0.2 else 28)
        if m == 2 and r.random() < 0.3:
            d = 29
        return "%04d-%02d-%02d" % (y, m, d)

    def time(self):
        r = self.r
        t = "%02d:%02d:%02d" % (r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))
        if r.random() < 0.4:
            t += "." + "".join(r.choice("0123456789") for _ in range(r.randint(1, 10)))
        return t

    def datetime_(self):
        r = self.r
        c = r.random()
        if c < 0.25:
            return self.date()
        if c < 0.45:
            return self.time()
        sep = r.choice(["T", "t", " "])
        base = self.date() + sep + self.time()
        if c < 0.65:
            return base
        if r.random() < 0.4:
            return base + r.choice(["Z", "z"])
        return base + r.choice("+-") + "%02d:%02d" % (r.randint(0, 23), r.randint(0, 59))

    def ws(self):
        return self.r.choice(["", " ", "  ", "\t"])

    def comment(self):
        r = self.r
        if r.random() < 0.8:
            return ""
        return self.ws() + "#" + "".join(r.choice(BARE + " \t#é\"'") for _ in range(r.randint(0, 10)))

    def value(self, depth=0):
        r = self.r
        c = r.random()
        if depth < 3 and c < 0.12:
            return self.array(depth)
        if depth < 3 and c < 0.2:
            return self.inline_table(depth)
        c = r.random()
        if c < 0.3:
            return self.string()
        if c < 0.55:
            return self.integer()
        if c < 0.75:
            return self.float_()
        if c < 0.85:
            return r.choice(["true", "false"])
        return self.datetime_()

    def array(self, depth):
        r = self.r
        items = [self.value(depth + 1) for _ in range(r.randint(0, 4))]
        multiline = r.random() < 0.4
        sep = "," + ("\n" + self.comment().lstrip() + "\n  " if multiline and r.random() < 0.5 else self.ws())
        body = sep.join(items)
        if items and r.random() < 0.3:
            body += ","
        if multiline:
            return "[\n  " + body + "\n]"
        return "[" + self.ws() + body + self.ws() + "]"

    def inline_table(self, depth):
        r = self.r
        used = set()
        pairs = []
        for _ in range(r.randint(0, 4)):
            k = self.dotted_key(used)
            pairs.append(k + self.ws() + "=" + self.ws() + self.value(depth + 1))
        return "{" + self.ws() + ("," + self.ws()).join(pairs) + self.ws() + "}"

    def dotted_key(self, used):
        r = self.r
        for _ in range(10):
            parts = [self.key() for _ in range(1 if r.random() < 0.7 else r.randint(2, 3))]
            k = (self.ws() + "." + self.ws()).join(parts)
            if parts[0] not in used:
                used.add(parts[0])
                return k
        return self.key()

    def collision_document(self):
        """Headers, arrays of tables, dotted keys and inline tables over three key names,
        so that redefinitions (valid and invalid) are frequent."""
        r = self.r
        names = ["a", "b", "c"]

        def path():
            return ".".join(r.choice(names) for _ in range(r.randint(1, 3)))

        lines = []
        for _ in range(r.randint(1, 8)):
            c = r.random()
            if c < 0.25:
                lines.append("[" + path() + "]")
            elif c < 0.45:
                lines.append("[[" + path() + "]]")
            elif c < 0.8:
                lines.append(path() + " = " + r.choice(["1", "'x'", "{}", "[]", "[{}]", "{ %s = 2 }" % path(), "[1, 2]"]))
            else:
                lines.append(path() + " = { " + ", ".join("%s = %d" % (path(), k) for k in range(r.randint(1, 3))) + " }")
        return ("\n".join(lines) + "\n").encode("utf-8")

    def document(self):
        r = self.r
        if r.random() < 0.3:
            return self.collision_document()
        lines = []
        if r.random() < 0.05:
            lines.append("\ufeff")
        used = set()
        for _ in range(r.randint(0, 5)):
            lines.append(self.dotted_key(used) + self.ws() + "=" + self.ws() + self.value() + self.comment())
        headers = []
        for _ in range(r.randint(0, 5)):
            if headers and r.random() < 0.4:
                name = r.choice(headers) + "." + self.key()
            else:
                name = self.key()
            is_array = r.random() < 0.3
            headers.append(name)
            lines.append("")
            lines.append(self.ws() + ("[[" if is_array else "[") + self.ws() + name + self.ws() + ("]]" if is_array else "]") + self.comment())
            used = set()
            for _ in range(r.randint(0, 4)):
                lines.append(self.dotted_key(used) + self.ws() + "=" + self.ws() + self.value() + self.comment())
        ending = "\r\n" if r.random() < 0.1 else "\n"
        text = ending.join(lines) + (ending if r.random() < 0.8 else "")
        return text.encode("utf-8")


INTERESTING = [b"\n", b"\r", b"\r\n", b" ", b"\t", b"=", b".", b",", b"[", b"]", b"{", b"}", b'"', b"'", b"#",
               b"\\", b"_", b"0", b"1", b"9", b"-", b"+", b"e", b"x", b":", b"T", b"Z", b"\x00", b"\x7f", b"\x1b",
               b"\xc3", b"\xa9", b"\xff", b"\xed\xa0\x80", "é".encode(), b"inf", b"nan", b"true", b'"""', b"'''"]


def mutate(rng, data):
    for _ in range(rng.randint(1, 3)):
        c = rng.random()
        pos = rng.randint(0, len(data))
        if c < 0.35 and data:
            pos = min(pos, len(data) - 1)
            data = data[:pos] + data[pos + 1:]
        elif c < 0.75:
            data = data[:pos] + rng.choice(INTERESTING) + data[pos:]
        elif c < 0.9:
            lines = data.split(b"\n")
            k = rng.randrange(len(lines))
            lines.insert(k, lines[rng.randrange(len(lines))])
            data = b"\n".join(lines)
        elif data:
            pos = min(pos, len(data) - 1)
            data = data[:pos] + bytes([rng.randrange(256)]) + data[pos + 1:]
    return data


# ---------------------------------------------------------------- tagged JSON


def tag(value):
    if isinstance(value, dict):
        return {k: tag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tag(v) for v in value]
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": repr(value)}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, datetime.datetime):
        kind = "datetime" if value.tzinfo is not None else "datetime-local"
        return {"type": kind, "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date-local", "value": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"type": "time-local", "value": value.isoformat()}
    raise TypeError(type(value))


DT = re.compile(r"^(?:(\d{4})-(\d{2})-(\d{2}))?[Tt ]?(?:(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$")


def canonical(node):
    """Comparable form of tagged JSON: floats by bit pattern, date-times by field."""
    if isinstance(node, list):
        return ("array", [canonical(v) for v in node])
    if set(node.keys()) == {"type", "value"} and isinstance(node["value"], str) and isinstance(node["type"], str):
        t, v = node["type"], node["value"]
        if t == "float":
            f = float(v)
            return ("float", "nan" if math.isnan(f) else struct.pack(">d", f).hex())
        if t == "integer":
            return ("integer", int(v))
        if t in ("datetime", "datetime-local", "date-local", "time-local"):
            m = DT.match(v)
            if not m:
                return (t, "unparsable:" + v)
            y, mo, d, h, mi, s, frac, off = m.groups()
            micro = int((frac or "0")[:6].ljust(6, "0")) if h else None
            offset = None
            if off:
                offset = 0 if off == "Z" else (1 if off[0] == "+" else -1) * (int(off[1:3]) * 60 + int(off[4:6]))
            return (t, y, mo, d, h, mi, s, micro, offset)
        return (t, v)
    return ("table", {k: canonical(v) for k, v in node.items()})


def has_big_int(value):
    if isinstance(value, dict):
        return any(has_big_int(v) for v in value.values())
    if isinstance(value, list):
        return any(has_big_int(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool) and not (-(2**63) <= value < 2**63)


# ---------------------------------------------------------------- commands


def generate(seed, count, out):
    rng = random.Random(seed)
    gen = Gen(rng)
    os.makedirs(out, exist_ok=True)
    for n in range(count):
        data = gen.document()
        if rng.random() < 0.5:
            data = mutate(rng, data)
        name = os.path.join(out, "%05d" % n)
        with open(name + ".toml", "wb") as f:
            f.write(data)
        try:
            parsed = tomllib.loads(data.decode("utf-8-sig"))  # a leading BOM is allowed
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            with open(name + ".tomllib-error", "w") as f:
                f.write(str(error))
            continue
        if has_big_int(parsed):
            with open(name + ".skip", "w") as f:
                f.write("integer outside Int64 (tomllib accepts, TOML 1.0 requires rejecting)")
            continue
        with open(name + ".expected.json", "w") as f:
            json.dump(tag(parsed), f)


def compare(directory):
    names = sorted(f[:-5] for f in os.listdir(directory) if f.endswith(".toml"))
    failures, accepted, rejected, skipped = [], 0, 0, 0
    for name in names:
        base = os.path.join(directory, name)
        if os.path.exists(base + ".skip"):
            skipped += 1
            continue
        with open(base + ".toml", "rb") as f:
            source = f.read()
        expected = base + ".expected.json"
        actual = base + ".actual.json"
        ours_error = base + ".error"
        if os.path.exists(expected):
            if not os.path.exists(actual):
                with open(ours_error) as f:
                    failures.append("%s: tomllib accepts, we reject: %s\n%r" % (name, f.read(), source))
                continue
            with open(expected) as f:
                want = canonical(json.load(f))
            with open(actual) as f:
                got = canonical(json.load(f))
            if want != got:
                failures.append("%s: values differ\n  tomllib: %r\n  ours:    %r\n%r" % (name, want, got, source))
            else:
                accepted += 1
        else:
            if os.path.exists(actual):
                with open(base + ".tomllib-error") as f:
                    reason = f.read()
                if "Invalid date or datetime" in reason and re.search(rb"(?<![0-9])0000-", source):
                    skipped += 1
                    continue
                failures.append("%s: tomllib rejects (%s), we accept\n%r" % (name, reason, source))
            else:
                rejected += 1
    print("documents: %d, both accept and agree: %d, both reject: %d, skipped (documented divergences): %d, disagreements: %d"
          % (len(names), accepted, rejected, skipped, len(failures)))
    for failure in failures[:40]:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "generate":
        args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
        generate(int(args["--seed"]), int(args["--count"]), args["--out"])
    elif len(sys.argv) == 3 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2]))
    else:
        print(__doc__)
        sys.exit(2)
