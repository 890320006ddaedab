#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A throwaway PostgreSQL for one test program (tests/server/anbu-test-postgres.c):
#
#   anbu-test-postgres.sh BINDIR DIR PORT
#
# Makes a cluster in DIR (an empty directory), starts it on 127.0.0.1:PORT with its socket in DIR
# and prints "ready" once it accepts connections, or one line saying why not ("busy" when the port
# is taken). Then it waits for its standard input to close, which happens when the test ends
# however it ends (passed, failed an assertion, crashed), stops the server and removes DIR.
#
# PostgreSQL refuses to run as root and CI runs as root: then the cluster runs as nobody:nogroup
# and DIR becomes theirs.
set -u
# PostgreSQL is not Anbu's: under the suite's libfaketime (run-tests --date) its timers never
# fire (statement_timeout, which the report deadline relies on, ran on forever), and nothing of
# Anbu reads its clock. It runs on the real one.
unset LD_PRELOAD FAKETIME FAKETIME_DONT_FAKE_MONOTONIC
bindir=$1
dir=$2
port=$3

as_owner=""
if [ "$(id -u)" -eq 0 ]; then
  as_owner="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  chown nobody:nogroup "$dir"
fi
# nobody may not enter the directory the test runs in.
cd "$dir" || exit 1

cleanup ()
{
  if [ -f "$dir/data/postmaster.pid" ]; then
    $as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

if ! $as_owner "$bindir/initdb" -D "$dir/data" -U anbu --auth=trust --no-sync --encoding=UTF8 \
       --locale=C >"$dir/initdb.log" 2>&1; then
  echo "initdb failed: $(tail -n 3 "$dir/initdb.log" | tr '\n' ' ')"
  exit 1
fi
# fsync off: the cluster is thrown away, and the 2-core machine is shared. Each anbu-server
# holds about ten connections (store, ingest, readings, report readers, leader, live bus), and
# the multi-instance suite runs three. ANBU_TEST_POSTGRES_SETTINGS adds settings of a bench's own
# ("-c shared_buffers=1GB …").
if ! $as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
       -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 ${ANBU_TEST_POSTGRES_SETTINGS:-}" \
       start >/dev/null 2>&1; then
  if grep -q "already in use" "$dir/server.log" 2>/dev/null; then
    echo busy
  else
    echo "postgres did not start: $(tail -n 3 "$dir/server.log" 2>/dev/null | tr '\n' ' ')"
  fi
  exit 1
fi
echo ready
cat >/dev/null
