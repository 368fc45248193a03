#!/usr/bin/env bash
# Builds the patched copy of the rapaio Java kernel that the spikekit kernelspec runs: compiles the
# two replacement classes in env/kernel-fix/src (LoopThread, Channels: the start-up race fix, see
# env/rapaio-jupyter-kernel-startup-race.patch) against the Maven Central jar, checks that their
# public API is the one the jar's other classes were compiled against, and writes a copy of the jar
# with the two classes replaced plus a marker file META-INF/spikekit-kernel-fix.txt.
# Usage: patch-kernel.sh JAVA_HOME KERNEL_JAR OUT_JAR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
java_home=$1 in=$2 out=$3
[ -f "$in" ] || { echo "patch-kernel: kernel jar $in missing (run make env)" >&2; exit 1; }
src="$here/kernel-fix/src"
classes=(org.rapaio.jupyter.kernel.channels.LoopThread org.rapaio.jupyter.kernel.channels.Channels)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The jar's classes are Java 17 class files (major version 61); compile to the same level.
"$java_home/bin/javac" --release 17 -nowarn -cp "$in" -d "$tmp/classes" \
  $(for c in "${classes[@]}"; do echo "$src/${c//.//}.java"; done)
api() { "$java_home/bin/javap" -cp "$1" -public "${classes[@]}" | grep -v '^Compiled from'; }
if ! diff <(api "$in") <(api "$tmp/classes") >"$tmp/api.diff"; then
  echo "patch-kernel: the replacement classes' public API differs from $in's:" >&2
  cat "$tmp/api.diff" >&2
  echo "(a new kernel version? check whether it still needs env/kernel-fix, see env/kernel-fix/README.md)" >&2
  exit 1
fi
mkdir -p "$tmp/classes/META-INF"
{
  echo "$(basename "$in") with org/rapaio/jupyter/kernel/channels/{LoopThread,Channels}.class replaced"
  echo "by SpikeKit's start-up race fix (env/kernel-fix, env/rapaio-jupyter-kernel-startup-race.patch)."
  for c in "${classes[@]}"; do
    echo "${c//.//}.java sha256 $(sha256sum "$src/${c//.//}.java" | cut -d' ' -f1)"
  done
} > "$tmp/classes/META-INF/spikekit-kernel-fix.txt"
cp "$in" "$tmp/patched.jar"
"$java_home/bin/jar" --update --file "$tmp/patched.jar" -C "$tmp/classes" .
mkdir -p "$(dirname "$out")"
mv "$tmp/patched.jar" "$out"
echo "env: patched kernel (start-up race fix) -> $out"
