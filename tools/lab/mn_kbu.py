#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A Binding Update sent by the mobile node's own kernel: a raw Mobility Header socket
(protocol 135) bound to the home address, so that the kernel's IPsec policy protects it with
the signalling SA (ESP transport mode) and its routing sends it through the mobility tunnel
(ip6tnl from an IPv6 care-of address, fou/UDP 4191 from an IPv4 one). The Binding
Acknowledgement comes back through the same kernel SA; its fields are printed as JSON.
The MH checksum is the kernel's (IPV6_CHECKSUM at offset 4)."""
import argparse
import json
import logging
import select
import socket
import struct
import sys
import time

logging.getLogger('scapy').setLevel(logging.ERROR)
from scapy.all import raw  # noqa: E402
from scapy.layers.inet6 import MIP6MH_BU, MIP6OptAltCoA, MIP6OptUnknown  # noqa: E402

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from mn_bu import parse_ba  # noqa: E402

IPPROTO_MH = 135
IPV6_CHECKSUM = 7


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hoa', required=True)
    ap.add_argument('--ha6', default='2001:db8:1::1')
    ap.add_argument('--altcoa', help='IPv6 care-of address (Alternate CoA option)')
    ap.add_argument('--v4hoa', action='append', help='addr/plen')
    ap.add_argument('--v4coa')
    ap.add_argument('--seq', type=int, required=True)
    ap.add_argument('--lifetime', type=int, default=100)
    ap.add_argument('--timeout', type=float, default=3.0)
    a = ap.parse_args()

    opts = []
    if a.altcoa:
        opts.append(MIP6OptAltCoA(acoa=a.altcoa))
    for spec in a.v4hoa or []:
        addr, plen = spec.split('/')
        opts.append(MIP6OptUnknown(otype=29, odata=struct.pack('!H', int(plen) << 10) +
                                   socket.inet_aton(addr)))
    if a.v4coa:
        opts.append(MIP6OptUnknown(otype=32, odata=b'\0\0' + socket.inet_aton(a.v4coa)))
    bu = MIP6MH_BU(seq=a.seq, flags='HA', mhtime=a.lifetime, options=opts)
    mh = bytearray(raw(bu))
    mh[4:6] = b'\0\0'          # the kernel fills the checksum

    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, 4)
    s.bind((a.hoa, 0))
    sent = time.monotonic()
    s.sendto(bytes(mh), (a.ha6, 0))
    end = time.time() + a.timeout
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if not r:
            break
        data, src = s.recvfrom(2048)
        if len(data) >= 12 and data[2] == 6 and src[0] == a.ha6:
            res = parse_ba(data)
            res['via'] = 'kernel'
            res['rtt_ms'] = round((time.monotonic() - sent) * 1000, 2)
            print(json.dumps(res))
            return 0
    print(json.dumps({'error': 'no BA'}))
    return 1


if __name__ == '__main__':
    sys.exit(main())
