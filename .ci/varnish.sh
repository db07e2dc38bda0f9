#!/usr/bin/env bash
# Makes Varnish (varnishd, varnishstat) and its xkey vmod (surrogate keys, from Debian's varnish-modules) available
# for PurgeIT, which starts its own varnishd on a free loopback port with a test VCL that imports xkey. Installs
# Debian's packages if varnishd or libvmod_xkey.so is missing; the package's own service is not needed.
set -euo pipefail

xkey() {
  ls /usr/lib/*/varnish/vmods/libvmod_xkey.so /usr/lib/varnish/vmods/libvmod_xkey.so 2>/dev/null | head -n 1 || true
}

if ! command -v varnishd >/dev/null 2>&1 && [ ! -x /usr/sbin/varnishd ]; then
  echo "[ci] installing Varnish from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q varnish >/dev/null
  # PurgeIT runs its own instance; the packaged service would hold port 6081 for nothing
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now varnish >/dev/null 2>&1 || true; fi
fi
if [ -z "$(xkey)" ]; then
  echo "[ci] installing Varnish's xkey vmod from Debian's packages (varnish-modules)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q varnish-modules >/dev/null
fi
varnishd=$(command -v varnishd || echo /usr/sbin/varnishd)
echo "[ci] Varnish ready: $("$varnishd" -V 2>&1 | head -n 1)"
if [ -z "$(xkey)" ]; then
  echo "[ci] the xkey vmod is still missing after installing varnish-modules" >&2
  exit 1
fi
echo "[ci] xkey vmod ready: $(xkey) ($(dpkg-query -W -f '${Package} ${Version}' varnish-modules 2>/dev/null || echo 'not from a Debian package'))"
