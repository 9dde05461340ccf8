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
  home_link.py mpa-wait IFACE SECONDS    the first Mobile Prefix Advertisement seen, as mps
  home_link.py bri IFACE COA HOA HA SKIP SECONDS
                                         a mobile node answering Binding Revocation: waits for
                                         BRIs (MH 16) to COA, lets SKIP of them go unanswered,
                                         answers the next with a BRA (from COA, HOA in a Home
                                         Address option); prints {"bris", "seq", "trigger",
                                         "flags", "dst", "rh2", "seqs"} ({} on timeout)
  home_link.py has IFACE SECONDS         the first Home Agent Switch (MH 12) seen: prints
                                         {"dst", "rh2", "addresses"} ({} on timeout)
  (mpa-wait, bri, has: with HL_READY=FILE, FILE is created once the capture runs)
"""
import json
import os
import socket
import sys

import time

from scapy.all import AsyncSniffer, Raw, conf, send, sendp, sr1, Ether, get_if_hwaddr
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, ICMPv6ND_RS,
                                in6_chksum,
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

def mh_of(p):
    """The Mobility Header of p as bytes (after an RH2, if any), or None."""
    if not p.haslayer(IPv6):
        return None
    ip = p[IPv6]
    nh, data = ip.nh, bytes(ip.payload)
    while nh in (0, 43, 60) and len(data) >= 8:     # hop-by-hop, routing, destination
        nh, data = data[0], data[(data[1] + 1) * 8:]
    return data if nh == 135 and len(data) >= 8 else None


def mh_type(p):
    mh = mh_of(p)
    return mh[2] if mh is not None else -1


def wait_for(match, secs, count=1):
    """The first count IPv6 packets on iface that match, within secs. With HL_READY set,
    that file is created once the capture runs: the test starts what it waits for then."""
    ready = os.environ.get("HL_READY")
    sn = AsyncSniffer(iface=iface, filter="ip6", count=count, lfilter=match,
                      started_callback=(lambda: open(ready, "w").close()) if ready else None)
    sn.start()
    sn.join(timeout=secs)
    if sn.running:
        sn.stop()
    return list(sn.results or [])


def mpa_json(p):
    a = p[ICMPv6MPAdv]
    pfx = []
    o = a.payload
    while o is not None and o.haslayer(ICMPv6NDOptPrefixInfo):
        pi = o[ICMPv6NDOptPrefixInfo]
        pfx.append([pi.prefix, pi.prefixlen, "L" * pi.L + "A" * pi.A + "R" * pi.R])
        o = pi.payload
    rh = p[IPv6ExtHdrRouting].addresses if p.haslayer(IPv6ExtHdrRouting) else []
    return {"id": a.id, "dst": p[IPv6].dst, "rh2": list(rh), "prefixes": pfx}


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
    print(json.dumps(mpa_json(got[0]) if got else {}))
elif cmd == "mpa-wait":
    got = wait_for(lambda p: p.haslayer(ICMPv6MPAdv), float(sys.argv[3]))
    print(json.dumps(mpa_json(got[0]) if got else {}))
elif cmd == "bri":
    coa, hoa, ha, skip, secs = (sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]),
                                float(sys.argv[7]))
    out, seqs = {}, []
    for p in wait_for(lambda p: p[IPv6].dst == coa and mh_type(p) == 16, secs, skip + 1):
        mh = mh_of(p)
        seqs.append(int.from_bytes(mh[8:10], "big"))
    if len(seqs) > skip:
        # the BRA to the last: B.R. Type 2, status 0, its number, no flags, PadN to 16 bytes
        bra = bytearray([59, 1, 16, 0, 0, 0, 2, 0]) + mh[8:10] + bytes([0, 0, 1, 2, 0, 0])
        ck = in6_chksum(135, IPv6(src=hoa, dst=ha), bytes(bra))
        bra[4:6] = ck.to_bytes(2, "big")
        send(IPv6(src=coa, dst=ha) / IPv6ExtHdrDestOpt(nh=135, options=[HAO(hoa=hoa)]) /
             Raw(bytes(bra)))
        rh = p[IPv6ExtHdrRouting].addresses if p.haslayer(IPv6ExtHdrRouting) else []
        out = {"bris": len(seqs), "seq": seqs[-1], "trigger": mh[7], "flags": mh[10],
               "dst": p[IPv6].dst, "rh2": list(rh), "seqs": seqs}
    print(json.dumps(out))
elif cmd == "has":
    got = wait_for(lambda p: mh_type(p) == 12, float(sys.argv[3]))
    out = {}
    if got:
        p = got[0]
        mh = mh_of(p)
        n = mh[6]
        addrs = [socket.inet_ntop(socket.AF_INET6, bytes(mh[8 + 16 * i:24 + 16 * i]))
                 for i in range(n)]
        rh = p[IPv6ExtHdrRouting].addresses if p.haslayer(IPv6ExtHdrRouting) else []
        out = {"dst": p[IPv6].dst, "rh2": list(rh), "addresses": addrs}
    print(json.dumps(out))
else:
    sys.exit("usage: home_link.py rs|ra|dhaad|mps|mpa-wait|bri|has IFACE ...")
