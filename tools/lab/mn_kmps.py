#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A Mobile Prefix Solicitation sent by the mobile node's own kernel: a raw ICMPv6 socket
bound to the home address, so that the kernel's IPsec policy (ICMPv6 type 146 out, 147 in,
on the signalling SA: mn_setup.sh esp-sig) protects it and its routing sends it through the
mobility tunnel, as the node's BUs go (mn_kbu.py). The Mobile Prefix Advertisement comes
back through the same SA and tunnel; it is printed as JSON
{"id", "prefixes": [[prefix, length, flags]]}, or {"error": "no MPA"} on timeout."""
import argparse
import json
import select
import socket
import struct
import time

MPS, MPA = 146, 147


def parse_mpa(data):
    ident = struct.unpack('!H', data[4:6])[0]
    pfx, off = [], 8
    while off + 8 <= len(data):
        otype, olen = data[off], data[off + 1] * 8
        if olen == 0:
            break
        if otype == 3 and olen == 32:
            flags = data[off + 3]
            pfx.append([socket.inet_ntop(socket.AF_INET6, data[off + 16:off + 32]),
                        data[off + 2],
                        "L" * (flags >> 7 & 1) + "A" * (flags >> 6 & 1) + "R" * (flags >> 5 & 1)])
        off += olen
    return {"id": ident, "prefixes": pfx}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hoa', required=True)
    ap.add_argument('--ha6', default='2001:db8:1::1')
    ap.add_argument('--id', type=lambda v: int(v, 0), default=0x4d50)
    ap.add_argument('--timeout', type=float, default=3.0)
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.bind((a.hoa, 0))
    # type, code, checksum (the kernel's for ICMPv6), identifier, reserved
    s.sendto(struct.pack('!BBHHH', MPS, 0, 0, a.id, 0), (a.ha6, 0))
    end = time.time() + a.timeout
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if not r:
            break
        data, _ = s.recvfrom(2048)
        if len(data) >= 8 and data[0] == MPA and struct.unpack('!H', data[4:6])[0] == a.id:
            print(json.dumps(parse_mpa(data)))
            return
    print(json.dumps({"error": "no MPA"}))


main()
