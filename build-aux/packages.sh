# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by run-tests and run-demo: installs the Debian 12 packages Anbu needs.
# Idempotent, and quick when everything is already there (no apt-get at all).
#
#   anbu_install_packages             the packages to build and test Anbu
#   anbu_install_packages PKG…        those instead (run-tests --fuzz: anbu_fuzz_packages)

anbu_packages=(
  meson ninja-build pkg-config gcc libc6-dev python3
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libshumate-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsodium-dev
  xvfb xauth dbus dbus-x11 at-spi2-core gettext desktop-file-utils appstream
  fonts-noto-cjk sqlite3 ca-certificates openssl procps flatpak-builder tzdata
  xdotool
  # libfaketime: run-tests --date runs the suite with the wall clock moved.
  faketime
  # The gdk-pixbuf SVG loader: GTK only recommends it, so on a bare machine (we install
  # with --no-install-recommends) the app's SVG icon renders as a broken-image placeholder.
  librsvg2-common
  # ImageMagick's `import`: the demo test's screenshot of the app window (_build/screenshots).
  imagemagick
  # anbu-server's PostgreSQL store: libpq to build, and PostgreSQL 15 itself, which the store
  # tests start in a temporary directory (tests/server/anbu-test-postgres.sh). The package's
  # default cluster is not used.
  libpq-dev postgresql-15
)

# Only for run-tests --fuzz: libFuzzer comes with clang, so the default suite needs no clang.
anbu_fuzz_packages=(clang libclang-rt-14-dev)

anbu_install_packages ()
{
  local missing=() p sudo="" wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${anbu_packages[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  echo "Installing: ${missing[*]}"
  # Retries ride out a mirror's passing hiccup on a fresh machine, where all is downloaded.
  $sudo apt-get update -q -o Acquire::Retries=3
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Acquire::Retries=3 "${missing[@]}"
}
