#!/usr/bin/env bash
# Installs what infrahoused needs to build, run its demo and run its tests, on
# Debian 12 with the Swift toolchain. Idempotent: it installs only what is missing.
set -euo pipefail

APT_PACKAGES=(libsystemd-dev libcurl4-openssl-dev libxml2-dev libssl-dev systemd etcd-server curl)
PIP_PACKAGES=("moto[server]==5.2.5" "infrahouse-core==1.3.0")

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
need_pip=()
for spec in "${PIP_PACKAGES[@]}"; do
  name=${spec%%[*}; name=${name%%=*}; version=${spec##*==}
  have=$("$PYTHON" -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p')
  [ "$have" = "$version" ] || need_pip+=("$spec")
done
if [ ${#need_pip[@]} -gt 0 ]; then
  echo "setup: installing Python test peers: ${need_pip[*]}" >&2
  "$PYTHON" -m pip install -q --disable-pip-version-check "${need_pip[@]}" 2>&1 | grep -v -i "running pip as the 'root' user" >&2 || true
fi
command -v moto_server >/dev/null || { echo "setup: moto_server not on PATH after install" >&2; exit 1; }
