#!/usr/bin/env bash
# Installs the Debian packages of env/apt-peers.txt (make bench-peers: torch, numba, numpy, tqdm)
# when one is missing; as root or through sudo. Elsewhere: prints the pip command and stops.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkgs=$(grep -v '^#' "$here/apt-peers.txt" | xargs)
if command -v dpkg >/dev/null 2>&1 && dpkg -s $pkgs >/dev/null 2>&1; then
  echo "env-peers: $pkgs are installed (make bench-peers uses PYTHON=/usr/bin/python3)"; exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else echo "env-peers: need root to apt-get install: $pkgs" >&2; exit 1; fi
  fi
  echo "env-peers: installing Debian packages: $pkgs"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
  exit 0
fi
cat >&2 <<MSG
env-peers: this is not a Debian-like system. Install torch, numba, numpy and tqdm into a Python,
e.g.  python3 -m venv peers-venv && peers-venv/bin/pip install torch numba numpy tqdm
then: make bench-peers PEERS=dir PYTHON=peers-venv/bin/python
MSG
exit 1
