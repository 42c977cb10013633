# Shared by bench/crl_bench.sh and bench/delta_crl_bench.sh (sourced, not run).

# time -v's wall clock "h:mm:ss" or "m:ss.cc" in seconds, and max RSS in MiB.
measure() {  # measure LOGFILE -> "seconds rss_mib"
    awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]}
                /Maximum resident set size/ {r=$2/1024}
                END {printf "%.2f %.0f", s, r}' "$1"
}

# An ECDSA P-256 bench CA in DIR: DIR/ca.key and DIR/ca.pem.
make_bench_ca() {  # make_bench_ca DIR
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/ca.key" \
        -out "$1/ca.pem" -subj "/C=ID/O=Tanda Bench/CN=Bench CA" -days 3650 \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# DIR/tanda.yaml: the bench CA "bench" of make_bench_ca, its index in DIR/data (LMDB map of
# MAP_SIZE) and its CRLs in DIR/crl.
write_bench_config() {  # write_bench_config DIR MAP_SIZE
    cat >"$1/tanda.yaml" <<YAML
storage:
  path: $1/data
  map_size: $2
state_dir: $1/crl
cas:
  - name: bench
    issuer_certificate: $1/ca.pem
    signer_key: $1/ca.key
YAML
}
