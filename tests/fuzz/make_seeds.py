#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the fuzzers' seed corpus (tests/fuzz/corpus/{mh,pkt}) with scapy.

Documentation addresses only. Run from anywhere: python3 tests/fuzz/make_seeds.py
"""
import os
import struct

from scapy.all import (ARP, ESP, ICMPv6ND_NS, IP, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrRouting, UDP, Dot1Q, Ether,
                       raw)
from scapy.layers.inet6 import (HAO, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_BU,
                                MIP6OptAltCoA, MIP6OptUnknown, PadN)

HERE = os.path.dirname(os.path.abspath(__file__))
HA6, HOA, COA6, CN6 = "2001:db8:1::1", "2001:db8:1::100", "2001:db8:b::5", "2001:db8:1::10"
HA4, COA4, HOA4 = "198.51.100.1", "203.0.113.9", "192.0.2.100"


def v4hoa(addr="0.0.0.0", plen=32, p=False):
    return MIP6OptUnknown(otype=29, odata=struct.pack("!H", plen << 10 | (0x200 if p else 0))
                          + bytes(map(int, addr.split("."))))


def v4coa(addr):
    return MIP6OptUnknown(otype=32, odata=b"\0\0" + bytes(map(int, addr.split("."))))


def natd(f, refresh):
    return MIP6OptUnknown(otype=31, odata=struct.pack("!HI", 0x8000 if f else 0, refresh))


def mh_seeds():
    bu = MIP6MH_BU(seq=7, flags="KHA", mhtime=100, options=[v4hoa(p=True), v4coa("100.64.0.5")])
    yield "bu_v4", IPv6(src=HOA, dst=HA6) / bu
    yield "bu_altcoa", IPv6(src=HOA, dst=HA6) / MIP6MH_BU(seq=1, options=[MIP6OptAltCoA(acoa=COA6)])
    yield "ba_natd", IPv6(src=HA6, dst=HOA) / MIP6MH_BA(seq=7, mhtime=100, options=[natd(True, 110)])
    yield "be", IPv6(src=HA6, dst=HOA) / MIP6MH_BE(status=2, ha=HOA)
    yield "brr", IPv6(src=HA6, dst=HOA) / MIP6MH_BRR()


def pkt_seeds():
    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    bu = MIP6MH_BU(seq=7, flags="KHA", mhtime=100, options=[MIP6OptAltCoA(acoa=COA6)])
    yield "bu6_hao", eth / IPv6(src=COA6, dst=HA6) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / bu
    yield "bu4_udp", eth / IP(src=COA4, dst=HA4) / UDP(sport=40000, dport=4191) / \
        IPv6(src=HOA, dst=HA6) / MIP6MH_BU(seq=3, options=[v4hoa(HOA4), v4coa("100.64.0.5")])
    yield "ba6_rh2", eth / IPv6(src=HA6, dst=COA6) / IPv6ExtHdrRouting(type=2, addresses=[HOA],
                                                                      segleft=1) / MIP6MH_BA(seq=7)
    yield "ip6ip6_tel", eth / IPv6(src=COA6, dst=HA6) / IPv6ExtHdrDestOpt(
        options=[PadN(otype=4, optdata=b"\x04")]) / IPv6(src=HOA, dst=CN6) / UDP()
    yield "ip4ip6", eth / IPv6(src=COA6, dst=HA6) / IP(src=HOA4, dst="192.0.2.10") / UDP()
    yield "ip6ip4", eth / IP(src=COA4, dst=HA4) / IPv6(src=HOA, dst=CN6) / UDP()
    yield "ip4ip4", eth / IP(src=COA4, dst=HA4) / IP(src=HOA4, dst="192.0.2.10") / UDP()
    yield "udp_tlv", eth / IP(src=COA4, dst=HA4) / UDP(sport=40000, dport=4191) / \
        (struct.pack("!BBH", 0, 4, 28) + raw(IP(src=HOA4, dst="192.0.2.10") / UDP()))
    yield "esp6", eth / IPv6(src=COA6, dst=HA6) / ESP(spi=0x1001, seq=1, data=b"\0" * 32)
    yield "esp_udp", eth / IP(src=COA4, dst=HA4) / UDP(sport=4500, dport=4500) / \
        ESP(spi=0x1002, seq=9, data=b"\0" * 32)
    yield "natt_ka", eth / IP(src=COA4, dst=HA4) / UDP(sport=4500, dport=4500) / b"\xff"
    yield "ike", eth / IP(src=COA4, dst=HA4) / UDP(sport=4500, dport=4500) / (b"\0" * 4 + b"x" * 28)
    yield "arp", eth / ARP(psrc="192.0.2.10", pdst=HOA4)
    yield "ns", eth / IPv6(src=CN6, dst="ff02::1:ff00:100") / ICMPv6ND_NS(tgt=HOA)
    yield "frag4", eth / IP(src=COA4, dst=HA4, flags="MF", proto=17) / (b"\0" * 16)
    yield "frag6", eth / IPv6(src=COA6, dst=HA6) / IPv6ExtHdrFragment(m=1, nh=17) / (b"\0" * 16)
    yield "vlan", Ether() / Dot1Q(vlan=10) / IP(src="192.0.2.10", dst=HOA4) / UDP()


def write(sub, seeds, strip_ip6=False):
    d = os.path.join(HERE, "corpus", sub)
    os.makedirs(d, exist_ok=True)
    for name, p in seeds:
        b = raw(p)
        if strip_ip6:
            b = b[40:]  # the MH alone
        with open(os.path.join(d, name), "wb") as f:
            f.write(b)


if __name__ == "__main__":
    write("mh", mh_seeds(), strip_ip6=True)
    write("pkt", pkt_seeds())
