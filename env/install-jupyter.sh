#!/usr/bin/env bash
# Makes sure the Debian packages of a list are present (default env/apt-packages.txt: Jupyter's
# headless runner `jupyter nbconvert` with nbclient, and h5py + hdf5-tools for make test-hdf5).
# Debian/Ubuntu: installs the missing ones (as root, or through sudo).
# With the default list, a pip/conda Jupyter + h5py + h5dump found on the PATH also does.
# Elsewhere: prints the pip/conda command and stops.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list=${1:-$here/apt-packages.txt}
have() {
  jupyter nbconvert --version >/dev/null 2>&1 && jupyter kernelspec list >/dev/null 2>&1 \
    && command -v h5dump >/dev/null 2>&1 \
    && { /usr/bin/python3 -c 'import h5py' 2>/dev/null || python3 -c 'import h5py' 2>/dev/null; }
}
pkgs=$(grep -v '^#' "$list" | xargs)
if command -v dpkg >/dev/null 2>&1 && dpkg -s $pkgs >/dev/null 2>&1; then exit 0; fi
if [ "$list" = "$here/apt-packages.txt" ] && have; then exit 0; fi
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
env: this is not a Debian-like system, and some of these are missing: $pkgs.
Install them yourself, then run make env again:
  python3 -m pip install --user nbconvert nbclient ipykernel jupyter_client notebook h5py hdmf
  plus the HDF5 command-line tools (h5dump), e.g. conda install -c conda-forge hdf5
  (or: conda install -c conda-forge nbconvert nbclient ipykernel jupyter_client notebook h5py hdmf hdf5)
MSG
exit 1
