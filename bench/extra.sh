# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# extra.sh - the EXTRA file bench/run.sh hands to peers.sh: registers omnid
# and adds the latency measurement.
BENCH_DIR=$(dirname "${BASH_SOURCE[0]}")
source "$BENCH_DIR/omnid-peer.sh"
source "$BENCH_DIR/latency.sh"
