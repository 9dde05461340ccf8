#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The mobile node's own kernel answering a Binding Revocation Indication (RFC 5846): a raw
Mobility Header socket bound to the home address waits for the BRI (MH type 16, B.R. Type 1)
that the kernel decrypted from the signalling SA, and answers with a Binding Revocation
Acknowledgement (status 0, the BRI's sequence number) that the kernel protects with the same
SA and routes through the mobility tunnel, as the node's BUs go (mn_kbu.py). Prints
{"seq", "trigger", "flags", "via": "kernel"}, or {"error": "no BRI"} on timeout. The MH
checksum is the kernel's (IPV6_CHECKSUM at offset 4)."""
import argparse
import json
import select
import socket
import sys
import time

# (mn_kbu.py's mh_socket, without its scapy import: that takes seconds in the guest, and the
# socket must be there before the first BRI)
IPPROTO_MH = 135
IPV6_CHECKSUM = 7


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hoa', required=True)
    ap.add_argument('--ha6', default='2001:db8:1::1')
    ap.add_argument('--timeout', type=float, default=5.0)
    ap.add_argument('--ready', help='a file created once the socket listens')
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, 4)
    s.bind((a.hoa, 0))
    if a.ready:
        open(a.ready, 'w').close()
    end = time.time() + a.timeout
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if not r:
            break
        data, src = s.recvfrom(2048)
        if len(data) < 12 or data[2] != 16 or data[6] != 1 or src[0] != a.ha6:
            continue
        # Payload Proto 59, Header Len 1, type 16, reserved, checksum (the kernel's), then
        # B.R. Type 2, status 0, the sequence number, no flags, reserved, PadN of 4
        bra = bytes([59, 1, 16, 0, 0, 0, 2, 0]) + data[8:10] + bytes([0, 0, 1, 2, 0, 0])
        s.sendto(bra, (a.ha6, 0))
        print(json.dumps({'seq': int.from_bytes(data[8:10], 'big'), 'trigger': data[7],
                          'flags': data[10], 'via': 'kernel'}))
        return 0
    print(json.dumps({'error': 'no BRI'}))
    return 1


if __name__ == '__main__':
    sys.exit(main())
