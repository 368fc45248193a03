#!/usr/bin/env bash
# Writes the `spikekit` kernelspec into env/jupyter/kernels/spikekit (Makefile sets
# JUPYTER_PATH=env/jupyter, so nothing outside the project is touched). The kernel is the
# rapaio Java kernel (the patched copy that env/patch-kernel.sh writes in env/kernel/) on JDK 25
# with the library jar and its dependencies on its classpath.
# Usage: install-kernel.sh JAVA_HOME LIB_JAR LIB_DEPS_DIR KERNEL_JAR [XMX]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
java_home=$1 lib_jar=$2 deps=$3 kernel_jar=$4 xmx=${5:-8g}
[ -f "$lib_jar" ] || { echo "install-kernel: library jar $lib_jar missing (run make lib)" >&2; exit 1; }
[ -f "$kernel_jar" ] || { echo "install-kernel: kernel jar $kernel_jar missing (run make env)" >&2; exit 1; }
abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
cp="$(abs "$lib_jar")"
for j in "$deps"/*.jar; do cp="$cp;$(abs "$j")"; done   # the kernel splits RJK_CLASSPATH on ';'
out="$here/jupyter/kernels/spikekit"
mkdir -p "$out"
sed -e "s|@JAVA@|$java_home/bin/java|" -e "s|@KERNEL_JAR@|$(abs "$kernel_jar")|" \
    -e "s|@CLASSPATH@|$cp|" -e "s|@XMX@|$xmx|" "$here/kernel.json.in" > "$out/kernel.json.part"
mv "$out/kernel.json.part" "$out/kernel.json"
echo "env: kernelspec 'spikekit' -> $out"
