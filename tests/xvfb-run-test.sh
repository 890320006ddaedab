#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xvfb-run for the test suite: `xvfb-run-test.sh [-a] [-s SERVER-ARGS] COMMAND…`.
# xvfb-run -a guesses a free display from lock files and starts Xvfb on it; when meson starts
# two UI tests at the same moment both guess the same number and one fails to start. Here Xvfb
# chooses the display itself (-displayfd), which it does atomically.
set -u
server_args="-screen 0 1280x800x24"
while [ $# -gt 0 ]; do
  case $1 in
    -a) shift ;;
    -s) server_args=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# shellcheck disable=SC2086  # server_args is a list of words
Xvfb -displayfd 3 -nolisten tcp -noreset $server_args 3>"$dir/display" 2>"$dir/xvfb.log" &
xvfb=$!

# Xvfb writes the display number once it accepts clients. Bounded: 60 s, then give up.
tries=0
while ! grep -q '[0-9]' "$dir/display" 2>/dev/null; do
  if ! kill -0 "$xvfb" 2>/dev/null || [ $tries -ge 1200 ]; then
    echo "xvfb-run-test: Xvfb did not start:" >&2
    cat "$dir/xvfb.log" >&2
    kill "$xvfb" 2>/dev/null
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.05
done

DISPLAY=:$(tr -dc '0-9' <"$dir/display")
export DISPLAY
"$@"
status=$?
kill "$xvfb" 2>/dev/null
wait "$xvfb" 2>/dev/null
exit $status
