#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What build-aux/run-demo does (see there). Every message goes through gettext (po/ko.po).
#
# Environment:
#   ANBU_BUILDDIR                 build directory (default: _build in the source tree)
#   ANBU_DEMO_DIR                 where the demo keeps its database, logs and the app's data
#                                 (default: BUILDDIR/demo, emptied first)
#   ANBU_DEMO_HOUSEHOLDS          households in the simulated district (default 120)
#   ANBU_DEMO_NEW_SIGNAL_SECONDS  seconds until the new risk signal (default 180)
#   ANBU_DEMO_TILES_UPSTREAM      a real tile server's URL template (docs/map.md) in place of
#                                 the placeholder tiles; ANBU_DEMO_TILES_ATTRIBUTION its credit
#   ANBU_DEMO_CHECK=1 or --check  for the test: no build (it runs from a finished one), the
#                                 display is the caller's (Xvfb), settings in memory
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${ANBU_BUILDDIR:-$top/_build}
check=${ANBU_DEMO_CHECK:-}
households=${ANBU_DEMO_HOUSEHOLDS:-120}
new_signal_seconds=${ANBU_DEMO_NEW_SIGNAL_SECONDS:-180}
# The planner of 청운효자동: anbu-plugsim seed makes one planner per 동, and with four 동
# household i lives in 동 i % 4, so households 0, 4, 8, ... are this planner's.
planner=cheongunhyoja
dongs=4
# A fixed demo password (the app locks when idle, and the planner unlocks with it).
planner_password=anbu-demo-2026
# The plugs' whole history, from their installation six days before the day at Seoul midnight
# (anbu_plugsim_sim_start_for): the detector learns a timer lamp in four days, and with less
# history a resident who stopped two days ago behind one looked alive.
history_hours=$(( 6 * 24 + ($(date -u +%s) + 9 * 3600) % 86400 / 3600 + 1 ))
t0=$(date +%s)

export TEXTDOMAIN=anbu
export TEXTDOMAINDIR=$builddir/po
if ! command -v gettext >/dev/null; then
  # Before the packages are installed: the English text.
  gettext () { printf '%s' "$1"; }
fi

say () {
  # $1: a translated format, then its arguments.
  local format=$1
  shift
  # shellcheck disable=SC2059
  printf "$format\n" "$@"
}

for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -h|--help)
      say "$(gettext 'Usage: build-aux/run-demo [--check]')"
      say "$(gettext 'Installs what Anbu needs, builds it, starts a server with a simulated district and opens the app signed in as a welfare planner. Ctrl+C or closing the app stops everything.')"
      exit 0 ;;
    *)
      say "$(gettext 'Unknown option: %s')" "$arg" >&2
      exit 2 ;;
  esac
done

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  say "$(gettext 'No display: run the demo in a desktop session (the app opens a window).')" >&2
  exit 1
fi

# 1. Packages and build (as build-aux/run-tests).
source "$top/build-aux/packages.sh"
anbu_install_packages
if [ -z "$check" ]; then
  if [ -f "$builddir/build.ninja" ]; then
    meson setup --reconfigure "$builddir" "$top" >/dev/null
  else
    meson setup "$builddir" "$top"
  fi
  meson compile -C "$builddir"
fi
server_bin=$builddir/src/server/anbu-server
plugsim_bin=$builddir/src/sim/anbu-plugsim
app_bin=$builddir/src/app/anbu
basemap_bin=$builddir/src/app/map/anbu-basemap
for bin in "$server_bin" "$plugsim_bin" "$app_bin" "$basemap_bin"; do
  if [ ! -x "$bin" ]; then
    say "$(gettext 'Not built: %s')" "$bin" >&2
    exit 1
  fi
done

# 2. A fresh place for the server's database, the logs and the app's replica.
dir=${ANBU_DEMO_DIR:-$builddir/demo}
if [ -z "${ANBU_DEMO_DIR:-}" ]; then
  rm -rf "$dir"
fi
mkdir -p "$dir"
: > "$dir/pids"

started=()
start () {
  # Runs "$@" in the background and remembers it, to stop it at the end. The exec makes the
  # remembered process the program itself, not a shell around it.
  ( exec "$@" ) &
  started+=("$!")
  echo "$!" >> "$dir/pids"
}

stopping=
stop_all () {
  [ -n "$stopping" ] && return
  stopping=1
  local pid i alive
  # The app first, the server last, so nothing talks to a server that is gone.
  for (( i = ${#started[@]} - 1; i >= 0; i-- )); do
    kill -TERM "${started[$i]}" 2>/dev/null || true
  done
  for (( i = 0; i < 100; i++ )); do
    alive=
    for pid in "${started[@]}"; do
      if [ -e "/proc/$pid" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null; then
        alive=1
      fi
    done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for pid in "${started[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
on_interrupt () {
  say "$(gettext 'Stopping the demo…')"
  stop_all
  exit 0
}
trap stop_all EXIT
trap on_interrupt INT TERM

fail () {
  say "$1" >&2
  shift
  for log in "$@"; do
    tail -n 5 "$log" >&2 || true
  done
  exit 1
}

# 3. Map tiles of 종로구 (drawn placeholders, not map data), made once and kept between demos;
#    the check makes fewer zoom levels in its own directory.
if [ -n "$check" ]; then
  tiles=$dir/jongno.mbtiles
  max_zoom=14
else
  tiles=$builddir/demo-tiles/jongno.mbtiles
  max_zoom=17
fi
if [ ! -s "$tiles" ] || [ "$basemap_bin" -nt "$tiles" ]; then
  mkdir -p "$(dirname "$tiles")"
  "$basemap_bin" --output "$tiles" --bbox 37.565,126.955,37.615,127.025 --max-zoom "$max_zoom" \
    --name 종로구 > /dev/null 2> "$dir/basemap.log" \
    || fail "$(gettext 'Cannot make the map tiles:')" "$dir/basemap.log"
fi

# 4. The server, on loopback, on a free port.
head -c 24 /dev/urandom | base64 > "$dir/admin-password"
printf '%s\n' "$planner_password" > "$dir/planner-password"
chmod 600 "$dir/admin-password" "$dir/planner-password"
"$server_bin" user add --db "$dir/anbu.db" --username admin --role admin \
  --password-file "$dir/admin-password" > /dev/null 2> "$dir/server.log" \
  || fail "$(gettext 'Cannot create the administrator:')" "$dir/server.log"
tile_args=(--tiles "$tiles")
if [ -n "${ANBU_DEMO_TILES_UPSTREAM:-}" ]; then
  tile_args=(--tiles-upstream "$ANBU_DEMO_TILES_UPSTREAM" --tiles-cache-dir "$dir/tile-cache"
             --tiles-attribution "${ANBU_DEMO_TILES_ATTRIBUTION:-© OpenStreetMap contributors}")
fi
start "$server_bin" serve --db "$dir/anbu.db" --listen 127.0.0.1:0 "${tile_args[@]}" \
  > "$dir/server-url" 2>> "$dir/server.log"
server_pid=$!
url=
for (( i = 0; i < 100; i++ )); do
  url=$(head -n 1 "$dir/server-url")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || fail "$(gettext 'The server did not start:')" "$dir/server.log"

# 5. The district, its history (risk signals at once), then readings as time goes by, with one
#    resident of the planner's 동 who stops so that a new risk signal is raised in a few minutes.
"$plugsim_bin" seed --server "$url" --admin-password-file "$dir/admin-password" \
  --password-file "$dir/planner-password" --state "$dir/plugsim-state.json" \
  --households "$households" --dongs "$dongs" > "$dir/seed.log" 2>&1 \
  || fail "$(gettext 'Cannot create the simulated district:')" "$dir/seed.log"
new_signal_at=$(date -u -d "+$new_signal_seconds seconds" +%Y-%m-%dT%H:%M:%SZ)
echo "$new_signal_at" > "$dir/new-signal-at"
candidates=$(seq -s , 0 "$dongs" "$((households - 1))")
say "$(gettext 'Sending %s hours of plug history for %s households…')" "$history_hours" "$households"
start "$plugsim_bin" run --state "$dir/plugsim-state.json" --backfill "$history_hours" \
  --duration 0 --new-signal-at "$new_signal_at" --new-signal-households "$candidates" \
  > /dev/null 2> "$dir/plugsim-history.log"
wait "$!" || fail "$(gettext 'Cannot send the plug history:')" "$dir/plugsim-history.log"
# A few minutes again (answered as duplicates), so no reading is missed in between.
start "$plugsim_bin" run --state "$dir/plugsim-state.json" --backfill 0.05 \
  --new-signal-at "$new_signal_at" --new-signal-households "$candidates" \
  > /dev/null 2> "$dir/plugsim.log"
plugsim_pid=$!

# 6. The app, signed in as the planner, with its own data, settings and cache in the demo dir.
(
  export XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config XDG_CACHE_HOME=$dir/cache
  export ANBU_UNINSTALLED=1 GSETTINGS_SCHEMA_DIR=$builddir/data
  if [ -n "$check" ]; then
    export GSETTINGS_BACKEND=memory
    # The check reads from app.log which signals the app shows.
    export G_MESSAGES_DEBUG=anbu-casework
  else
    export GSETTINGS_BACKEND=keyfile
  fi
  export no_proxy=127.0.0.1,localhost${no_proxy:+,$no_proxy}
  exec "$app_bin" --server "$url" --username "$planner" --password-stdin \
    < "$dir/planner-password" > "$dir/app.log" 2>&1
) &
app_pid=$!
started+=("$app_pid")
echo "$app_pid" >> "$dir/pids"

due_seoul=$(TZ=Asia/Seoul date -d "$new_signal_at" +%H:%M:%S)
say ""
say "$(gettext 'The Anbu demo is running (ready in %s s).')" "$(( $(date +%s) - t0 ))"
say "  $(gettext 'Server: %s (database, logs and the app data in %s)')" "$url" "$dir"
say "  $(gettext 'Signed in as %s, the welfare planner of 청운효자동, with the password %s. The app locks after 10 minutes without use: unlock it with this password.')" "$planner" "$planner_password"
say "  $(gettext 'The planners of the other 동 (sajik, samcheong, buam) and the control centre (control) have the same password.')"
say "  $(gettext 'Look at the Alerts view: the households that showed no activity for longer than their threshold. Open one for its plug readings, and record a call or a visit.')"
say "  $(gettext 'At %s (Seoul time) a resident of 청운효자동 reaches their threshold: a new risk signal appears by itself.')" "$due_seoul"
say "$(gettext 'Press Ctrl+C or close the app window to stop everything.')"

# 7. Until the app window closes, Ctrl+C, or a part fails.
status=0
wait -n "$app_pid" "$server_pid" "$plugsim_pid" || status=$?
if ! kill -0 "$app_pid" 2>/dev/null; then
  say "$(gettext 'The app was closed: stopping the demo.')"
  status=0
elif ! kill -0 "$server_pid" 2>/dev/null; then
  say "$(gettext 'The server stopped (see %s): stopping the demo.')" "$dir/server.log" >&2
  status=1
else
  say "$(gettext 'anbu-plugsim stopped (see %s): stopping the demo.')" "$dir/plugsim.log" >&2
  status=1
fi
stop_all
exit $status
