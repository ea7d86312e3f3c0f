#!/bin/sh
# Debian packages for the full test run: Chromium (browser tests) and the libraries
# WeasyPrint needs for PDF reports. Skipped, with a note, when not root.
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
[ -e /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libpango-1.0.so.0 ] || need="$need libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
# WeasyPrint warns (an error under the tests' warning filter) without HarfBuzz-Subset.
ls /usr/lib/*-linux-gnu/libharfbuzz-subset.so.0 >/dev/null 2>&1 || need="$need libharfbuzz-subset0"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$need"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
else
  echo "note: not root, so not installing:$need — the tests that need them will skip and say so"
fi
