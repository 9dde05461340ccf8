#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dsmip-ha.conf(5), the example config and the parser name the same keys.

Three sources, one key set ("group.key", "list.key", "mobile_nodes.sas.key"; containers
included, e.g. "ports", "mobile_nodes.sas"):
  - the man page source doc/dsmip-ha.conf.5.scd: a line "*ports[].name* (type, ...)" per key;
  - config/dsmip-ha.conf.example: its reference comments ("# ports (list, ...)", then
    "#   name    string, ...", "#     spi   integer, ..." for a list inside a list) and every
    setting it assigns (which must be a documented key);
  - the parser's tables of known keys (config/*.c, "static const char *const x_keys[]").
Exit 0 when the three agree, 1 with every difference listed.
"""
import glob
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else "."

# which parser table holds the keys of which place in the file
TABLES = {
    "root_keys": "", "port_keys": "ports", "route_keys": "routes", "ha_keys": "home_agent",
    "policy_keys": "policy", "cap_keys": "capacity", "dp_keys": "dataplane",
    "store_keys": "store", "pair_keys": "pair", "ike_keys": "ike", "home_link_keys": "home_link",
    "mn_keys": "mobile_nodes", "sa_keys": "mobile_nodes.sas",
}


def join(*parts):
    return ".".join(p for p in parts if p)


def parser_keys():
    keys, seen = set(), set()
    for f in sorted(glob.glob(f"{top}/config/*.c")):
        text = open(f).read()
        for m in re.finditer(r"static const char \*const (\w+_keys)\[\] = \{(.*?)\};", text, re.S):
            if m.group(1) not in TABLES:
                sys.exit(f"test_man_keys: {f}: table {m.group(1)} is not mapped to a group "
                         "in TABLES (a new group?)")
            seen.add(m.group(1))
            for k in re.findall(r'"(\w+)"', m.group(2)):
                keys.add(join(TABLES[m.group(1)], k))
    missing = set(TABLES) - seen
    if missing:
        sys.exit(f"test_man_keys: parser tables not found: {sorted(missing)} (renamed?)")
    return keys


def man_keys():
    keys = set()
    for line in open(f"{top}/doc/dsmip-ha.conf.5.scd"):
        m = re.match(r"\*([a-z0-9_.\[\]]+)\* \(", line)
        if m:
            keys.add(m.group(1).replace("[]", ""))
    return keys


def example_documented(lines):
    keys, section, inner = set(), None, None
    for line in lines:
        m = re.match(r"# (\w+) \((group|list)", line)
        if m:
            section, inner = m.group(1), None
            keys.add(section)
            continue
        m = re.match(r"#   (\w+)\s+(string|integer|bool|list)", line)
        if m and section:
            keys.add(join(section, m.group(1)))
            if m.group(2) == "list":
                inner = m.group(1)
            continue
        m = re.match(r"#     (\w+)\s+(string|integer|bool)", line)
        if m and section and inner:
            keys.add(join(section, inner, m.group(1)))
    return keys


def example_assigned(text):
    """Setting paths of a libconfig file (list elements add no name)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    text = re.sub(r"(#|//)[^\n]*", "", text)
    keys, stack, pending = set(), [], None
    for tok in re.findall(r"[A-Za-z_][\w-]*\s*[=:]|[{}()\[\];,]", text):
        if tok[-1] in "=:":
            pending = tok[:-1].strip()
            keys.add(join(*stack, pending))
        elif tok in "{([":
            stack.append(pending or "")
            pending = None
        elif tok in ";,":
            pending = None
        else:
            stack.pop()
            pending = None
    return keys


p = parser_keys()
m = man_keys()
ex = open(f"{top}/config/dsmip-ha.conf.example").read()
d = example_documented(ex.splitlines())
a = example_assigned(ex)
bad = []
for name, s in (("dsmip-ha.conf(5)", m), ("the example's reference comments", d)):
    for k in sorted(p - s):
        bad.append(f"{name} does not name {k} (the parser accepts it)")
    for k in sorted(s - p):
        bad.append(f"{name} names {k}, which the parser does not accept")
for k in sorted(a - p):
    bad.append(f"the example assigns {k}, which the parser does not accept")
for line in bad:
    print("test_man_keys:", line)
print(f"test_man_keys: parser {len(p)} keys, man page {len(m)}, example documents {len(d)}, "
      f"assigns {len(a)}")
sys.exit(1 if bad else 0)
