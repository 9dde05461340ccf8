#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""XFRM netlink messages as the kernel sends them to charon's listeners (struct layouts of
<linux/xfrm.h> on x86_64), written to the home agent's IKE relay socket.

    xfrm_msg.py SOCKET new SPI SRC DST transport|tunnel [--reqid N] [--alg gcm128|chacha]
    xfrm_msg.py SOCKET del SPI DST

A stand-in for a relay of a kernel where charon runs: the integ test feeds the home agent
exactly the bytes that kernel would produce, so the mirror runs against real rte_ipsec SAs
without an ESP-capable kernel here."""
import argparse
import socket
import struct
import sys

AF_INET6 = 10
ESP = 50
NEWSA, DELSA = 16, 17
XFRMA_ALG_AEAD = 18
INF = 0xFFFFFFFFFFFFFFFF


def nlmsg(mtype, payload):
    msg = struct.pack('=IHHII', 16 + len(payload), mtype, 0, 0, 0) + payload
    return msg + b'\0' * (-len(msg) % 4)


def attr(atype, data):
    a = struct.pack('=HH', 4 + len(data), atype) + data
    return a + b'\0' * (-len(a) % 4)


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def usersa(spi, src, dst, tunnel, reqid, rw=32):
    b = bytearray(224)
    # selector: daddr 0, saddr 16, family 40, prefixlen_d 42, prefixlen_s 43, proto 44
    b[0:16] = a6(dst)
    b[16:32] = a6(src)
    struct.pack_into('=HBBB', b, 40, AF_INET6, 128, 128, 0 if tunnel else 135)
    # id: daddr 56, spi 72 (network order), proto 76
    b[56:72] = a6(dst)
    struct.pack_into('>I', b, 72, spi)
    b[76] = ESP
    b[80:96] = a6(src)
    # lifetimes: bytes and packets unlimited, 3000/3600 s from installation
    struct.pack_into('=8Q', b, 96, INF, INF, INF, INF, 3000, 3600, 0, 0)
    struct.pack_into('=IHBB', b, 208, reqid, AF_INET6, 1 if tunnel else 0, rw)
    return bytes(b)


def aead(name, key):
    return struct.pack('=64sII', name.encode(), len(key) * 8, 128) + key


def main():
    p = argparse.ArgumentParser()
    p.add_argument('socket')
    p.add_argument('op', choices=['new', 'del'])
    p.add_argument('spi', type=lambda s: int(s, 0))
    p.add_argument('addrs', nargs='+')
    p.add_argument('--reqid', type=int, default=1)
    p.add_argument('--alg', default='gcm128')
    a = p.parse_args()
    if a.op == 'new':
        src, dst, mode = a.addrs
        key = bytes(range(0x10, 0x10 + 20))
        name = 'rfc4106(gcm(aes))' if a.alg == 'gcm128' else 'rfc7539esp(chacha20,poly1305)'
        if a.alg != 'gcm128':
            key = bytes(36)
        msg = nlmsg(NEWSA, usersa(a.spi, src, dst, mode == 'tunnel', a.reqid) +
                    attr(XFRMA_ALG_AEAD, aead(name, key)))
    else:
        (dst,) = a.addrs
        msg = nlmsg(DELSA, a6(dst) + struct.pack('>I', a.spi) +
                    struct.pack('=HB', AF_INET6, ESP) + b'\0')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(a.socket)
    s.sendall(msg)
    s.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
