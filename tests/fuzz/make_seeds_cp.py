#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_cp (tests/fuzz/corpus/cp): ordinary days of a home agent
as operation sequences in fuzz_cp.c's input format. Each seed passes every check; the fuzzer
mutates them into the unusual ones. Run from anywhere: python3 tests/fuzz/make_seeds_cp.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OP_BU, OP_TICK, OP_NAT_SEEN, OP_MN_ADD, OP_MN_DEL, OP_FLUSH, OP_RELOAD, OP_SA = \
    0, 3, 4, 7, 8, 9, 10, 11
MR = (4, 5, 7)          # template indexes of the mobile routers
SA = (0, 3, 7)          # ... of the nodes with a signalling SA (their BUs come on it)
PATH_V6, PATH_UDP4, PATH_TUN6 = 0x00, 0x01, 0x02


def start(mask=0xff, pool=0, dad=False):
    # mask, one byte per template (non-zero low nibble: variant 0), pool, dad
    return bytes([mask] + [0x01] * 8 + [pool, 0 if dad else 1])


def bu(who, path=PATH_UDP4, life=100, v4=(), mnps=(), router=False):
    fl = 0x01 if router else 0x00
    prot = 0x03 if who in SA else 0x00
    out = [OP_BU, who, path, fl, 0, life, len(v4), len(mnps), prot]
    return bytes(out + list(v4) + list(mnps))


def tick(minutes=0, tenths=0):
    return bytes([OP_TICK, 0x80 | minutes if minutes else tenths])


def mn_add(r, hoa4_kind, spi_byte=0, like=0):
    # hoa4 kind: 0 none, 1 dynamic, 2..5 static; own IPv6 home address (bit 7 clear);
    # like: a node whose static IPv4 address (bit 7) or SPI (bit 6) to take
    return bytes([OP_MN_ADD, r, hoa4_kind << 3, spi_byte, like])


def seeds():
    day = start()
    for who in range(8):
        day += bu(who, v4=[0x00], router=who in MR)
    day += tick(minutes=5)
    for who in range(8):
        day += bu(who, life=0, router=who in MR)
    yield "register_refresh_deregister", day

    moves = start(mask=0x0f)
    for path in (PATH_V6, PATH_UDP4, PATH_TUN6, 0x41, 0x61):
        moves += bu(1, path=path, v4=[0x00]) + tick(tenths=30)
    yield "moves_between_access_networks", moves

    rt = start(mask=0x03)
    for r, kind in ((0, 5), (1, 1), (2, 0), (3, 4)):
        rt += mn_add(r, kind)
    for r in range(4):
        rt += bu(8 + r, v4=[0x00])
    rt += bytes([OP_MN_DEL, 9]) + bytes([OP_FLUSH, 8])
    yield "runtime_nodes", rt

    pfx = start(mask=0x90, pool=1)
    pfx += bu(4, v4=[0x00, 0x01], router=True) + bu(7, v4=[0x01], router=True)
    pfx += bytes([OP_RELOAD, 0x00, 0x00, 0x00, 0x00])
    pfx += tick(minutes=20)
    yield "delegated_prefixes_and_reload", pfx

    esp = start(mask=0x09)
    esp += bu(0, v4=[0x00]) + bu(3)
    esp += bytes([OP_SA, 2, 0x04]) + bytes([OP_SA, 2, 0x84])
    yield "protected_bus_and_sas", esp

    expire = start(mask=0xff, dad=True)
    expire += bu(2, life=0x20) + tick(tenths=15) + bytes([OP_NAT_SEEN, 2])
    expire += tick(minutes=127) + tick(minutes=127)
    yield "dad_then_expiry", expire


def vocabulary():
    """One token per ordinary operation (libFuzzer -dict): mutations then splice whole
    operations into a sequence instead of hoping for the right bytes one at a time."""
    for who in range(12):
        router = who in MR
        yield bu(who, v4=[0x00], router=router)
        yield bu(who, path=PATH_V6, router=router)
        yield bu(who, v4=[0x01], router=router)
        yield bu(who, life=0, router=router)
        yield bytes([OP_FLUSH, who]) + bytes([OP_MN_DEL, who])
    for r in range(4):
        for kind in range(6):
            yield mn_add(r, kind)
    for pool in range(4):
        yield bytes([OP_RELOAD, 0x01, 0x00, 0x00, 0x00, pool])
    yield tick(minutes=10)
    yield tick(tenths=20)


def main():
    out = os.path.join(HERE, "corpus", "cp")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    with open(os.path.join(HERE, "fuzz_cp.dict"), "w") as f:
        f.write("# fuzz_cp operations, written by make_seeds_cp.py\n")
        for i, tok in enumerate(vocabulary()):
            f.write('op%d="%s"\n' % (i, "".join("\\x%02x" % b for b in tok)))


if __name__ == "__main__":
    main()
