#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Binding Updates of a block of mobile nodes as a pcap file, for dsmip-ha --preload in the
lab (scapy builds them: an implementation other than the home agent's own builders).

Node k of the block (home address HOA_BASE + k) registers in one of four ways, k % 4:
  0  an IPv6 care-of address 2001:db8:b::1:0 + k (Home Address option, AltCoA)
  1  IPv4/UDP 4191 through a NAT: 203.0.113.66, source port 1024 + k, IPv4 CoA option
     100.64.1.x (RFC 5555 §4.2: the option differs from the source: a NAT is detected)
  2  the same with the TLV header format requested (T flag, RFC 5845)
  3  the first --public of them a public IPv4 care-of 203.0.113.128 + k/4 (no NAT, IP in
     IP); the first --dynamic of the rest through the NAT asking for an IPv4 home address
     from the pool (IPv4 Home Address option 0.0.0.0/32); the others through the NAT
Lifetimes vary with k (--lifetime + k % 800, 4 s units) so that a restart's remaining
lifetimes are checked against different values. --router HOA adds one BU of a mobile router
(R flag, implicit prefixes) asking for a delegated IPv4 prefix (P flag).
"""
import argparse
import socket
import struct
import ipaddress

from scapy.all import IP, UDP, Ether, IPv6, IPv6ExtHdrDestOpt, raw, wrpcap
from scapy.layers.inet6 import HAO, MIP6MH_BU, MIP6OptAltCoA, MIP6OptUnknown

HA6 = '2001:db8:1::1'
HA4 = '198.51.100.1'
NAT4 = '203.0.113.66'


def v4hoa(addr, plen, prefix=False):
    w = plen << 10 | (0x200 if prefix else 0)
    return MIP6OptUnknown(otype=29, odata=struct.pack('!H', w) + socket.inet_aton(addr))


def v4coa(addr):
    return MIP6OptUnknown(otype=32, odata=b'\0\0' + socket.inet_aton(addr))


def v6_bu(hoa, coa, bu):
    # the checksum over the HoA (HAO) as source: scapy computes it with the HAO in place
    return IPv6(raw(IPv6(src=coa, dst=HA6) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / bu))


def udp_bu(hoa, src4, sport, bu):
    return IP(src=src4, dst=HA4) / UDP(sport=sport, dport=4191) / IPv6(raw(IPv6(src=hoa,
                                                                              dst=HA6) / bu))


def node_bu(a, k):
    hoa = str(ipaddress.IPv6Address(a.hoa_base) + k)
    life = a.lifetime + k % 800
    kind = k % 4
    opts = []
    flags = 'HA'
    reserved = 0
    if kind == 0:
        coa = str(ipaddress.IPv6Address('2001:db8:b::1:0') + k)
        opts.append(MIP6OptAltCoA(acoa=coa))
        return v6_bu(hoa, coa, MIP6MH_BU(seq=a.seq, flags=flags, mhtime=life, options=opts))
    if kind == 3 and k // 4 < a.public:
        pub = str(ipaddress.IPv4Address('203.0.113.128') + k // 4)
        opts.append(v4coa(pub))
        return udp_bu(hoa, pub, 4191, MIP6MH_BU(seq=a.seq, flags=flags, mhtime=life,
                                                options=opts))
    if kind == 3 and k // 4 - a.public < a.dynamic:
        opts.append(v4hoa('0.0.0.0', 32))
    if kind == 2:
        reserved = 0x080            # T: the TLV header format
    opts.append(v4coa(str(ipaddress.IPv4Address('100.64.1.0') + k % 250 + 1)))
    return udp_bu(hoa, NAT4, 1024 + k, MIP6MH_BU(seq=a.seq, flags=flags, reserved=reserved,
                                                 mhtime=life, options=opts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--count', type=int, required=True)
    ap.add_argument('--dst-mac', required=True, help="the home agent's access port")
    ap.add_argument('--hoa-base', default='2001:db8:1::1:0')
    ap.add_argument('--seq', type=int, default=1)
    ap.add_argument('--lifetime', type=int, default=100, help='4 s units, plus k %% 800')
    ap.add_argument('--public', type=int, default=60)
    ap.add_argument('--dynamic', type=int, default=100)
    ap.add_argument('--router', help="a mobile router's home address")
    a = ap.parse_args()
    eth = Ether(src='02:00:00:00:0b:01', dst=a.dst_mac)
    frames = [eth / node_bu(a, k) for k in range(a.count)]
    if a.router:
        bu = MIP6MH_BU(seq=a.seq, flags='HAR', mhtime=a.lifetime,
                       options=[v4hoa('0.0.0.0', 28, prefix=True),
                                v4coa('100.64.2.1')])
        frames.append(eth / udp_bu(a.router, NAT4, 900, bu))
    wrpcap(a.out, frames)


if __name__ == '__main__':
    main()
