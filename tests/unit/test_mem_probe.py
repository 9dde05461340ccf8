#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""tools/mem-probe prints what tools/bench reads: one warm-up line and one per number of
walks in flight (1, 4, 8, 16, 24, 32, 48), each "MEMPROBE size_mib=M pages=P chains=K
ns_per_line=N tsc_per_line=C" with N > 0 (the bench picks fields 4 and 5 by position), and
refuses a size below 256 MiB or an unknown option with exit 2 and a usage line.
Exit 0 when all of that holds, 1 with what did not.
"""
import re
import subprocess
import sys

probe = sys.argv[1]
bad = []

LINE = re.compile(r"^MEMPROBE size_mib=256 pages=(2M|4K) chains=(\d+) "
                  r"ns_per_line=(\d+\.\d\d) tsc_per_line=(\d+\.\d)$")
r = subprocess.run([probe, "--size", "256", "--no-huge"], capture_output=True, text=True,
                   timeout=120)
if r.returncode != 0:
    bad.append(f"--size 256 --no-huge: exit {r.returncode}: {r.stderr.strip()}")
lines = r.stdout.splitlines()
chains = []
for ln in lines:
    m = LINE.match(ln)
    if m is None:
        bad.append(f"not a MEMPROBE line: {ln!r}")
        continue
    if m.group(1) != "4K":
        bad.append(f"--no-huge, yet pages={m.group(1)}")
    if float(m.group(3)) <= 0:
        bad.append(f"no time per line: {ln!r}")
    chains.append(int(m.group(2)))
if chains != [1, 1, 4, 8, 16, 24, 32, 48]:
    bad.append(f"walks in flight {chains}, expected [1, 1, 4, 8, 16, 24, 32, 48]")

for args, what in ((["--size", "100"], "at least 256 MiB"), (["--frob"], "usage:")):
    r = subprocess.run([probe] + args, capture_output=True, text=True, timeout=30)
    if r.returncode != 2 or what not in r.stderr:
        bad.append(f"{args}: exit {r.returncode}, stderr {r.stderr.strip()!r}; expected 2 "
                   f"and {what!r}")

for b in bad:
    print(b)
sys.exit(1 if bad else 0)
