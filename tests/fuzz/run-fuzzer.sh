#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one libFuzzer target for ANBU_FUZZ_SECONDS (default 60) seconds.
#
#   run-fuzzer.sh TARGET SEED-CORPUS WORK-CORPUS ARTIFACT-DIR [LIBFUZZER ARGS…]
#
# New inputs go to WORK-CORPUS (in the build tree), never into the source
# tree's seeds; an input that crashes is saved in ARTIFACT-DIR as
# NAME-crash-… (leak-…, timeout-…) — add it to the seed corpus with a fix and a unit test.
# libFuzzer's own exit code for a crash is 77, which meson counts as a skip: 1 instead.
set -eu
target=$1 seeds=$2 work=$3 artifacts=$4
shift 4
name=$(basename "$target")
mkdir -p "$work" "$artifacts"
exec "$target" \
  -max_total_time="${ANBU_FUZZ_SECONDS:-60}" \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -max_len=65536 \
  -print_final_stats=1 \
  -error_exitcode=1 \
  -timeout_exitcode=1 \
  -artifact_prefix="$artifacts/$name-" \
  "$@" "$work" "$seeds"
