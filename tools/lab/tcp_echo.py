#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""TCP through the home agent, for the lab: an echo server, and a client that keeps one
connection and sends a numbered line every --interval seconds, checking each echo. The
client prints a JSON summary; one connection carrying every line proves the flow survived
whatever happened to the mobile node's care-of address meanwhile. Bounded in time."""
import argparse
import json
import socket
import sys
import threading
import time


def serve(a):
    fam = socket.AF_INET6 if ':' in a.bind else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.bind, a.port))
    s.listen(8)
    s.settimeout(1.0)
    end = time.time() + a.max

    def echo(c):
        c.settimeout(a.max)
        with c:
            while True:
                d = c.recv(4096)
                if not d:
                    return
                c.sendall(d)

    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=echo, args=(c,), daemon=True).start()
    return 0


def client(a):
    fam = socket.AF_INET6 if ':' in a.dst else socket.AF_INET
    res = {'sent': 0, 'echoed': 0, 'error': None, 'seconds': 0.0}
    t0 = time.time()
    try:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(a.timeout)
        if a.src:
            s.bind((a.src, 0))
        s.connect((a.dst, a.port))
        f = s.makefile('rwb')
        for i in range(a.count):
            line = b'%d dsmip\n' % i
            f.write(line)
            f.flush()
            res['sent'] += 1
            if f.readline() != line:
                res['error'] = 'bad echo at %d' % i
                break
            res['echoed'] += 1
            time.sleep(a.interval)
        s.close()
    except OSError as e:
        res['error'] = str(e)
    res['seconds'] = round(time.time() - t0, 2)
    print(json.dumps(res))
    sys.stdout.flush()
    return 0 if res['error'] is None and res['echoed'] == a.count else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='mode', required=True)
    sv = sub.add_parser('server')
    sv.add_argument('--bind', required=True)
    sv.add_argument('--port', type=int, default=7777)
    sv.add_argument('--max', type=float, default=120.0, help='seconds, then exit')
    cl = sub.add_parser('client')
    cl.add_argument('--src')
    cl.add_argument('--dst', required=True)
    cl.add_argument('--port', type=int, default=7777)
    cl.add_argument('--count', type=int, default=10)
    cl.add_argument('--interval', type=float, default=0.1)
    cl.add_argument('--timeout', type=float, default=10.0, help='per read, seconds')
    a = ap.parse_args()
    return serve(a) if a.mode == 'server' else client(a)


if __name__ == '__main__':
    sys.exit(main())
