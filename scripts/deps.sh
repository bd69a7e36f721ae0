#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages the build needs, only when something is missing.
set -euo pipefail
pkgs=(cmake ninja-build ccache g++ clang-format qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
      libqt6sql6-sqlite libsodium-dev libcpp-httplib-dev libssl-dev libzip-dev pkg-config openssl curl
      postgresql libqt6sql6-psql qtkeychain-qt6-dev gnome-keyring dbus-daemon dbus-bin
      qt6-declarative-dev qt6-declarative-dev-tools qml6-module-qtquick qml6-module-qtqml
      qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-window
      qml6-module-qtquick-templates qml6-module-qtqml-workerscript qml6-module-qtqml-models
      qml6-module-qttest qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel
      qml6-module-qtpositioning qt6-charts-dev qml6-module-qtcharts poppler-utils
      libqt6positioning6-plugins qt6-positioning-dev qt6-qpa-plugins fonts-noto-cjk fonts-dejavu-core
      qt6-multimedia-dev qml6-module-qtmultimedia libzxing-dev gstreamer1.0-plugins-good
      qt6-translations-l10n adwaita-icon-theme libqt6svg6 xvfb xauth libgl1-mesa-dri strace nginx
      python3 python3-lxml)
# Node.js (20 or newer) and npm run ODK's own engine beside ours (tests/tst_differential);
# machines of this kind have Node.js 20 already: Debian's is only installed when none is.
command -v node >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
