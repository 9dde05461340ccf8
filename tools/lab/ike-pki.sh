#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A lab CA and certificates for the RFC 4877 profile (config/swanctl/), made with
# strongSwan's pki: the home agent's (identity: its home-link address 2001:db8:1::1, the
# lab's other addresses of it as subjectAltNames) and one per mobile node (identity and
# subjectAltName: its home address).
#   tools/lab/ike-pki.sh DIR [HOA ...]      default HOA 2001:db8:1::100
set -euo pipefail
dir=${1:?usage: ike-pki.sh DIR [HOA ...]}
shift
[ $# -gt 0 ] || set -- 2001:db8:1::100
# pki loads every plugin it finds; the TPM one has no TPM here and says so on each call
pki() { command pki "$@" 2> >(grep -v -i -e tpm >&2); }
mkdir -p "$dir"/{private,x509,x509ca}
cd "$dir"
pki --gen --type ecdsa --size 256 --outform pem >private/ca.pem
pki --self --ca --lifetime 3650 --in private/ca.pem --type ecdsa \
    --dn "C=XX, O=dsmip-ha lab, CN=dsmip-ha lab CA" --outform pem >x509ca/ca.pem
pki --gen --type ecdsa --size 256 --outform pem >private/ha.pem
pki --pub --in private/ha.pem --type ecdsa |
    pki --issue --lifetime 365 --cacert x509ca/ca.pem --cakey private/ca.pem \
        --dn "C=XX, O=dsmip-ha lab, CN=2001:db8:1::1" --san 2001:db8:1::1 --san 198.51.100.1 \
        --san 2001:db8:a::1 \
        --flag serverAuth --outform pem >x509/ha.pem
i=1
for hoa in "$@"; do
    pki --gen --type ecdsa --size 256 --outform pem >"private/mn$i.pem"
    pki --pub --in "private/mn$i.pem" --type ecdsa |
        pki --issue --lifetime 365 --cacert x509ca/ca.pem --cakey private/ca.pem \
            --dn "C=XX, O=dsmip-ha lab, CN=$hoa" --san "$hoa" --outform pem >"x509/mn$i.pem"
    i=$((i + 1))
done
echo "$dir: CA, ha.pem and $# mobile node certificate(s)"
