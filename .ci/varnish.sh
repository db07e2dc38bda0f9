#!/usr/bin/env bash
# Makes Varnish (varnishd, varnishstat) available for PurgeIT, which starts its own varnishd on a free loopback
# port with a test VCL. Installs Debian's package if varnishd is missing; the package's own service is not needed.
set -euo pipefail

if ! command -v varnishd >/dev/null 2>&1 && [ ! -x /usr/sbin/varnishd ]; then
  echo "[ci] installing Varnish from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q varnish >/dev/null
  # PurgeIT runs its own instance; the packaged service would hold port 6081 for nothing
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now varnish >/dev/null 2>&1 || true; fi
fi
varnishd=$(command -v varnishd || echo /usr/sbin/varnishd)
echo "[ci] Varnish ready: $("$varnishd" -V 2>&1 | head -n 1)"
