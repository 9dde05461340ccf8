#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every binding of a running home agent as one JSON object keyed by node id, read through
its DPDK telemetry socket in pages of /dsmip/bindings (one connection, not one process per
page as dpdk-telemetry.py would be). Adds "_t": the wall clock when the walk began.
usage: tel_bindings.py FILE_PREFIX"""
import json
import socket
import sys
import time


def main():
    path = '/var/run/dpdk/%s/dpdk_telemetry.v2' % sys.argv[1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    info = json.loads(s.recv(16384).decode())
    size = info.get('max_output_len', 16384)
    out = {'_t': time.time()}
    start = 0
    for _ in range(100000):
        s.send(('/dsmip/bindings,%d' % start).encode())
        page = json.loads(s.recv(size).decode())['/dsmip/bindings']
        out.update(page.get('bindings', {}))
        nxt = page.get('next', 0)
        if not page.get('bindings') or nxt <= start:
            break
        start = nxt
    s.close()
    json.dump(out, sys.stdout)
    return 0


if __name__ == '__main__':
    sys.exit(main())
