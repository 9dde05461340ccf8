#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A mobile node's signalling, run inside the lab's mobile node: send one Binding Update
over IPv6 (Home Address option, AltCoA) or over IPv4/UDP 4191 (RFC 5555 §4.2), wait for the
Binding Acknowledgement and print its fields as JSON. Data goes through the kernel's tunnels;
this tool only signals (and, for the TLV format, sends/receives test packets).
With --esp the BU is protected by scapy's ESP in transport mode (after the Home Address
option, RFC 6275 §11.7.1) and --esp-ba decrypts the BA: an ESP implementation independent of
both the home agent's and the kernel's. SA syntax: SPI:ALGORITHM:KEY[:AUTH_KEY] with the
algorithm names of the config (aes-128-gcm, aes-256-gcm, aes-128-cbc-hmac-sha256, ...)."""
import argparse
import json
import socket
import struct
import sys
import time

from scapy.all import (IP, UDP, AsyncSniffer, Ether, IPv6, IPv6ExtHdrDestOpt, Raw,
                       conf, get_if_hwaddr, raw, sendp)
from scapy.layers.inet6 import HAO, MIP6MH_BU, MIP6OptAltCoA, MIP6OptUnknown
from scapy.layers.ipsec import ESP, SecurityAssociation

conf.verb = 0


def gw_mac(iface, gw):
    """The gateway's MAC from the kernel's neighbor table (ping it first)."""
    fam = '-6' if ':' in gw else '-4'
    import subprocess
    subprocess.run(['ping', fam, '-c', '1', '-W', '1', gw], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    out = subprocess.run(['ip', fam, 'neigh', 'show', gw, 'dev', iface], capture_output=True,
                         text=True).stdout.split()
    return out[out.index('lladdr') + 1]


ALGS = {
    'aes-128-gcm': ('AES-GCM', None),
    'aes-256-gcm': ('AES-GCM', None),
    'aes-128-cbc-hmac-sha1': ('AES-CBC', 'HMAC-SHA1-96'),
    'aes-128-cbc-hmac-sha256': ('AES-CBC', 'SHA2-256-128'),
    'null': ('NULL', 'NULL'),
}


def sa_from(spec):
    """SPI:ALG:KEY[:AUTH] -> a scapy SecurityAssociation (GCM keys end with the salt)."""
    parts = spec.split(':')
    crypt, auth = ALGS[parts[1]]
    key = bytes.fromhex(parts[2][2:] if parts[2].startswith('0x') else parts[2]) \
        if parts[2:] and parts[2] else None
    akey = bytes.fromhex(parts[3][2:] if parts[3].startswith('0x') else parts[3]) \
        if parts[3:] else None
    return SecurityAssociation(ESP, spi=int(parts[0], 0), crypt_algo=crypt, crypt_key=key,
                               auth_algo=auth, auth_key=akey)


def esp_open(sa, pkt):
    """Verify and decrypt the ESP of pkt with sa: (next header, payload bytes). Done by hand
    so that scapy does not try to dissect an MH with options it does not know."""
    esp = pkt[ESP]
    sa.check_spi(pkt)
    sa.auth_algo.verify(esp, sa.auth_key)
    plain = sa.crypt_algo.decrypt(sa, esp, sa.crypt_key,
                                  sa.crypt_icv_size or sa.crypt_algo.icv_size or
                                  sa.auth_algo.icv_size)
    return plain.nh, plain.data


def v4opt(otype, data):
    return MIP6OptUnknown(otype=otype, odata=data)


def build(a):
    flags = 'HA'
    if a.r:
        flags += 'R'
    reserved = (0x100 if a.f else 0) | (0x080 if a.t else 0)
    opts = []
    if a.path == 'v6':
        opts.append(MIP6OptAltCoA(acoa=a.coa))
    for spec in a.v4hoa or []:
        parts = spec.split('/')          # addr/plen, or addr/plen/p for a prefix
        w = int(parts[1]) << 10 | (0x200 if parts[2:] == ['p'] else 0)
        opts.append(v4opt(29, struct.pack('!H', w) + socket.inet_aton(parts[0])))
    if a.v4coa:
        opts.append(v4opt(32, b'\0\0' + socket.inet_aton(a.v4coa)))
    bu = MIP6MH_BU(seq=a.seq, flags=flags, reserved=reserved, mhtime=a.lifetime,
                   options=opts)
    sa = sa_from(a.esp) if a.esp else None
    if a.path == 'v6':
        ip6 = IPv6(src=a.coa, dst=a.ha6) / IPv6ExtHdrDestOpt(options=[HAO(hoa=a.hoa)]) / bu
        # the checksum is computed before encryption, over the HoA (HAO) as source
        ip6 = IPv6(raw(ip6))
        return sa.encrypt(ip6, seq_num=a.esp_seq) if sa else ip6
    inner = IPv6(raw(IPv6(src=a.hoa, dst=a.ha6) / bu))
    if sa:
        inner = sa.encrypt(inner, seq_num=a.esp_seq)
    return IP(src=a.coa, dst=a.ha4) / UDP(sport=a.sport, dport=4191) / inner


def parse_ba(pkt):
    """Fields of a BA (bytes of the MH) as a dict, by hand: scapy lacks options 29-32."""
    mh = pkt
    status, flags = mh[6], mh[7]
    seq, life = struct.unpack('!HH', mh[8:12])
    out = {'status': status, 'flags': flags, 'seq': seq, 'lifetime': life, 'v4ack': [],
           'natd': None}
    off, end = 12, (mh[1] + 1) * 8
    while off < end:
        t = mh[off]
        if t == 0:
            off += 1
            continue
        ln = mh[off + 1]
        d = mh[off + 2:off + 2 + ln]
        if t == 30:
            out['v4ack'].append({'status': d[0], 'plen': d[1] >> 2,
                                 'addr': socket.inet_ntoa(d[2:6])})
        elif t == 31:
            w, r = struct.unpack('!HI', d[:6])
            out['natd'] = {'f': bool(w & 0x8000), 'refresh': r}
        off += 2 + ln
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--iface', required=True)
    ap.add_argument('--gw', required=True)
    ap.add_argument('--path', choices=['v6', 'v4'], required=True)
    ap.add_argument('--hoa', required=True)
    ap.add_argument('--coa', required=True, help='care-of address (source of the BU)')
    ap.add_argument('--ha6', default='2001:db8:1::1')
    ap.add_argument('--ha4', default='198.51.100.1')
    ap.add_argument('--seq', type=int, required=True)
    ap.add_argument('--lifetime', type=int, default=100)
    ap.add_argument('--sport', type=int, default=4191)
    ap.add_argument('--v4hoa', action='append', help='addr/plen[/p]')
    ap.add_argument('--v4coa')
    ap.add_argument('-r', action='store_true')
    ap.add_argument('-f', action='store_true')
    ap.add_argument('-t', action='store_true')
    ap.add_argument('--timeout', type=float, default=3.0)
    ap.add_argument('--esp', help='protect the BU: SPI:ALG:KEY[:AUTH_KEY]')
    ap.add_argument('--esp-seq', type=int, default=1)
    ap.add_argument('--esp-ba', help='decrypt the BA: SPI:ALG:KEY[:AUTH_KEY]')
    a = ap.parse_args()

    pkt = build(a)
    if a.path == 'v6':
        # the BA itself (MH, RH2 or ESP first), not tunnelled traffic from the home agent
        flt = ('ip6 and src host %s and (ip6[6] == 135 or ip6[6] == 43 or ip6[6] == 50)'
               % a.ha6)
    else:
        flt = 'udp and src host %s and src port 4191' % a.ha4
    sn = AsyncSniffer(iface=a.iface, filter=flt, store=True, count=1, timeout=a.timeout)
    sn.start()
    time.sleep(0.2)
    eth = Ether(src=get_if_hwaddr(a.iface), dst=gw_mac(a.iface, a.gw))
    sendp(eth / pkt, iface=a.iface)
    sn.join()
    if not sn.results:
        print(json.dumps({'error': 'no BA'}))
        return 1
    r = sn.results[0]
    b = raw(r)
    # find the MH: after IPv6 (+RH2) for v6, after IPv4/UDP/IPv6 for v4
    sa_in = sa_from(a.esp_ba) if a.esp_ba else None
    if a.path == 'v6':
        ip6 = r[IPv6]
        b6 = raw(ip6)
        off, nh = 40, b6[6]
        rh2 = None
        if nh == 43:
            rh2 = socket.inet_ntop(socket.AF_INET6, b6[off + 8:off + 24])
            off += 24
        mh = b6[off:]
        if sa_in is not None and ESP in ip6:
            nh, mh = esp_open(sa_in, IPv6(b6))
        res = parse_ba(mh)
        res['rh2'] = rh2
        res['dst'] = ip6.dst
        res['esp'] = ESP in ip6
    else:
        ip = r[IP]
        b6 = raw(r[UDP].payload)
        res = {}
        mh = b6[40:]
        if sa_in is not None and b6[6] == 50:
            _, mh = esp_open(sa_in, IPv6(b6))
            res['esp'] = True
        res.update(parse_ba(mh))
        res['udp_dport'] = r[UDP].dport
        res['dst'] = ip.dst
    print(json.dumps(res))
    return 0


if __name__ == '__main__':
    sys.exit(main())
