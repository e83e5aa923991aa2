#!/usr/bin/env bash
# Run before `npm test`: the integration tests start real Prometheus and VictoriaMetrics servers
# from Debian's packages. Installs them when missing (as root with apt-get), else says how.
set -euo pipefail
need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
[ ${#need[@]} -eq 0 ] && exit 0
declare -A seen=()
pkgs=''
for p in "${need[@]}"; do [ -n "${seen[$p]:-}" ] || { seen[$p]=1; pkgs+="$p "; }; done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing $pkgs for the integration tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
else
  echo "the integration tests need: $pkgs (Debian: sudo apt-get install $pkgs)" >&2
  exit 1
fi
