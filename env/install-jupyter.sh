#!/usr/bin/env bash
# Makes sure Jupyter's headless runner is present: `jupyter nbconvert` with nbclient.
# Debian/Ubuntu: installs the packages of env/apt-packages.txt (as root, or through sudo).
# Elsewhere: prints the pip/conda command and stops.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list=${1:-$here/apt-packages.txt}
have() { jupyter nbconvert --version >/dev/null 2>&1 && jupyter kernelspec list >/dev/null 2>&1; }
pkgs=$(grep -v '^#' "$list" | xargs)
if [ "$list" = "$here/apt-packages.txt" ] && have; then exit 0; fi
if [ "$list" != "$here/apt-packages.txt" ] && dpkg -s $pkgs >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "env: need root to apt-get install: $pkgs" >&2; exit 1; fi
  fi
  echo "env: installing Debian packages: $pkgs"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
  exit 0
fi
cat >&2 <<MSG
env: Jupyter is missing and this is not a Debian-like system. Install it yourself, then run make env again:
  python3 -m pip install --user nbconvert nbclient ipykernel jupyter_client notebook
  (or: conda install -c conda-forge nbconvert nbclient ipykernel jupyter_client notebook)
MSG
exit 1
