#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command in a private D-Bus session with an unlocked, throwaway GNOME keyring (the
# Secret Service QtKeychain uses on Linux), so that keystore tests need no desktop.
set -eu
export HOME="$(mktemp -d)"
trap 'rm -rf "$HOME"' EXIT
dbus-run-session -- sh -c '
  printf "%s" throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"' sh "$@"
