#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inside the lab's mobile node: TLV-header UDP tunnelling (RFC 5845 §7.2) of echo requests
from a home address to a correspondent, through the home agent; prints what came back."""
import argparse
import json
import struct
import subprocess
import sys
import time

from scapy.all import (ICMP, IP, UDP, AsyncSniffer, Ether, ICMPv6EchoReply,
                       ICMPv6EchoRequest, IPv6, conf, get_if_hwaddr, raw, sendp)

conf.verb = 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--iface', required=True)
    ap.add_argument('--gw', required=True)
    ap.add_argument('--src', required=True, help='the outer source (care-of address)')
    ap.add_argument('--ha4', default='198.51.100.1')
    ap.add_argument('--hoa', required=True)
    ap.add_argument('--cn', required=True)
    ap.add_argument('--count', type=int, default=3)
    a = ap.parse_args()
    v6 = ':' in a.hoa
    subprocess.run(['ping', '-c', '1', '-W', '1', a.gw], stdout=subprocess.DEVNULL)
    neigh = subprocess.run(['ip', 'neigh', 'show', a.gw, 'dev', a.iface], capture_output=True,
                           text=True).stdout.split()
    mac = neigh[neigh.index('lladdr') + 1]
    sn = AsyncSniffer(iface=a.iface, filter='udp and src host %s and src port 4191' % a.ha4,
                      store=True, timeout=3 + a.count)
    sn.start()
    time.sleep(0.2)
    for i in range(a.count):
        if v6:
            inner = IPv6(src=a.hoa, dst=a.cn) / ICMPv6EchoRequest(id=0x4242, seq=i)
        else:
            inner = IP(src=a.hoa, dst=a.cn) / ICMP(id=0x4242, seq=i)
        b = raw(inner)
        tlv = struct.pack('!BBH', 0, 41 if v6 else 4, len(b))
        sendp(Ether(src=get_if_hwaddr(a.iface), dst=mac) / IP(src=a.src, dst=a.ha4) /
              UDP(sport=4191, dport=4191) / (tlv + b), iface=a.iface)
        time.sleep(0.3)
    sn.join()
    replies = 0
    bad = []
    for p in sn.results:
        payload = raw(p[UDP].payload)
        t, nh, ln = struct.unpack('!BBH', payload[:4])
        inner = payload[4:]
        if t != 0 or ln != len(inner) or nh != (41 if v6 else 4):
            bad.append({'type': t, 'next': nh, 'len': ln, 'rest': len(inner)})
            continue
        pkt = IPv6(inner) if v6 else IP(inner)
        if (v6 and pkt.haslayer(ICMPv6EchoReply)) or (not v6 and pkt.haslayer(ICMP) and
                                                      pkt[ICMP].type == 0):
            replies += 1
    print(json.dumps({'sent': a.count, 'tlv_replies': replies, 'bad': bad}))
    return 0 if replies == a.count and not bad else 1


if __name__ == '__main__':
    sys.exit(main())
