#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The home link's protocol from the lab's side (scapy), for integ/lab_home_link.

  home_link.py rs IFACE                  a Router Solicitation from :: to all-routers
  home_link.py ra IFACE ADDR PREF LIFE   another home agent's RA: H bit, a Prefix Information
                                         option with R and ADDR, HA Information PREF/LIFE
  home_link.py dhaad IFACE SRC DST ID    a DHAAD Request; prints the reply as JSON
                                         {"id": ..., "addresses": [...]} (or {} on timeout)
  home_link.py mps IFACE COA HOA HA ID   a Mobile Prefix Solicitation from COA with HOA in a
                                         Home Address option; prints the Advertisement as
                                         JSON {"id", "dst", "rh2", "prefixes": [[p, len, flags]]}
"""
import json
import sys

import time

from scapy.all import AsyncSniffer, conf, send, sendp, sr1, Ether, get_if_hwaddr
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, ICMPv6ND_RS,
                                ICMPv6ND_RA, ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr,
                                ICMPv6HAADRequest, ICMPv6HAADReply, ICMPv6NDOptHAInfo,
                                ICMPv6MPSol, ICMPv6MPAdv)

conf.verb = 0
# the reply comes from the home agent's own address, not the anycast one asked
conf.checkIPaddr = False
cmd, iface = sys.argv[1], sys.argv[2]
mac = get_if_hwaddr(iface)
# a link-local address of our own making (EUI-64 of the interface's MAC)
b = bytes.fromhex(mac.replace(":", ""))
ll = "fe80::%02x%02x:%02xff:fe%02x:%02x%02x" % (b[0] ^ 2, b[1], b[2], b[3], b[4], b[5])

if cmd == "rs":
    # from the unspecified address, so without a link-layer address (RFC 4861 §4.1)
    sendp(Ether(src=mac, dst="33:33:00:00:00:02") /
          IPv6(src="::", dst="ff02::2", hlim=255) / ICMPv6ND_RS(), iface=iface)
elif cmd == "ra":
    addr, pref, life = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    sendp(Ether(src=mac, dst="33:33:00:00:00:01") /
          IPv6(src=ll, dst="ff02::1", hlim=255) / ICMPv6ND_RA(H=1, routerlifetime=0) /
          ICMPv6NDOptSrcLLAddr(lladdr=mac) /
          ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=0, R=1, prefix=addr,
                                validlifetime=86400, preferredlifetime=14400) /
          ICMPv6NDOptHAInfo(pref=pref, lifetime=life), iface=iface)
elif cmd == "dhaad":
    src, dst, ident = sys.argv[3], sys.argv[4], int(sys.argv[5], 0)
    rep = sr1(IPv6(src=src, dst=dst) / ICMPv6HAADRequest(id=ident), iface=iface, timeout=3)
    out = {}
    if rep is not None and rep.haslayer(ICMPv6HAADReply):
        r = rep[ICMPv6HAADReply]
        out = {"id": r.id, "src": rep[IPv6].src, "addresses": list(r.addresses)}
    print(json.dumps(out))
elif cmd == "mps":
    coa, hoa, ha, ident = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6], 0)
    sn = AsyncSniffer(iface=iface, filter="ip6", lfilter=lambda p: p.haslayer(ICMPv6MPAdv))
    sn.start()
    time.sleep(0.3)
    # scapy's checksum takes the Home Address option's address as the source (R6275 §6.3)
    send(IPv6(src=coa, dst=ha) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) /
         ICMPv6MPSol(id=ident))
    time.sleep(1.5)
    got = sn.stop()
    out = {}
    if got:
        p = got[0]
        a = p[ICMPv6MPAdv]
        pfx = []
        o = a.payload
        while o is not None and o.haslayer(ICMPv6NDOptPrefixInfo):
            pi = o[ICMPv6NDOptPrefixInfo]
            pfx.append([pi.prefix, pi.prefixlen, "L" * pi.L + "A" * pi.A + "R" * pi.R])
            o = pi.payload
        rh = p[IPv6ExtHdrRouting].addresses if p.haslayer(IPv6ExtHdrRouting) else []
        out = {"id": a.id, "dst": p[IPv6].dst, "rh2": list(rh), "prefixes": pfx}
    print(json.dumps(out))
else:
    sys.exit("usage: home_link.py rs|ra|dhaad|mps IFACE ...")
