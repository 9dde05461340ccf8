#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hold UDP port 4500 open with UDP_ENCAP_ESPINUDP so that the mobile node's kernel takes
ESP-in-UDP (RFC 3948) arriving there to its xfrm states: the job an IKE daemon's socket does.
Runs until killed, at most --max seconds."""
import argparse
import socket
import time

UDP_ENCAP = 100
UDP_ENCAP_ESPINUDP = 2

ap = argparse.ArgumentParser()
ap.add_argument('--max', type=float, default=900.0)
a = ap.parse_args()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
s.bind(('0.0.0.0', 4500))
time.sleep(a.max)
