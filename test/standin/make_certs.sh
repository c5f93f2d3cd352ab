#!/bin/sh
# make_certs.sh DIR -- throwaway TLS material for the RDS stand-in (test/standin/rds_standin.py).
#
# Creates in DIR (all files world-readable, so the postgres OS user can read ca.crt):
#   ca.crt, ca.key               test CA
#   server.crt, server.key       signed by ca, SAN IP:127.0.0.1, IP:::1, DNS:localhost
#   other-ca.crt, other-ca.key   a second, unrelated CA
#   other.crt, other.key         signed by other-ca, same SANs      (fault test: untrusted issuer)
#   wronghost.crt, wronghost.key signed by ca, SAN DNS:wrong.example (fault test: name mismatch)
# Idempotent: if every file already exists nothing is done. Quiet unless something fails.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
files="ca.crt ca.key server.crt server.key other-ca.crt other-ca.key other.crt other.key wronghost.crt wronghost.key"

all_present() {
    for f in $files; do
        [ -s "$dir/$f" ] || return 1
    done
}

if all_present; then
    exit 0
fi

mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run CMD...: run quietly, show the captured output only if it fails
run() {
    if ! "$@" >"$work/log" 2>&1; then
        echo "make_certs.sh: failed: $*" >&2
        cat "$work/log" >&2
        exit 1
    fi
}

# make_ca NAME CN
make_ca() {
    run openssl req -x509 -new -nodes -days 3650 \
        -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$work/$1.key" -out "$work/$1.crt" -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash"
}

# make_leaf NAME CA CN SAN
make_leaf() {
    cat >"$work/$1.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
subjectAltName=$4
EXT
    run openssl req -new -nodes \
        -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$work/$1.key" -out "$work/$1.csr" -subj "/CN=$3"
    run openssl x509 -req -days 825 -in "$work/$1.csr" \
        -CA "$work/$2.crt" -CAkey "$work/$2.key" \
        -set_serial "0x$(openssl rand -hex 16)" \
        -extfile "$work/$1.ext" -out "$work/$1.crt"
}

good_san="IP:127.0.0.1,IP:::1,DNS:localhost"
make_ca ca "rds_copy stand-in test CA"
make_ca other-ca "rds_copy stand-in unrelated CA"
make_leaf server ca localhost "$good_san"
make_leaf other other-ca localhost "$good_san"
make_leaf wronghost ca wrong.example "DNS:wrong.example"

for f in $files; do
    chmod 0644 "$work/$f"
    mv -f "$work/$f" "$dir/$f"
done
chmod a+rx "$dir"
