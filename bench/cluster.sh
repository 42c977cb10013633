#!/usr/bin/env bash
# Cluster figures (issue 19): replication lag, writes/s and OCSP answers/s of a three-node cluster
# on a real three-server NATS JetStream cluster, against a single node; see bench/cluster.py.
# Usage: bench/cluster.sh [--duration S] [--rates 10,200] [--writers N] [--admin-threads N]   (TANDA_BIN: the binary)
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/cluster.py" "$@"
