#!/usr/bin/env bash
# Prints the home of a JDK >= 25: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm
# (and macOS's /Library/Java/JavaVirtualMachines). Exits 1 with a fix-it line when none exists.
set -u
need=25
major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }
ok() { [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ]; }
check() {
  local h=$1 v
  ok "$h" || return 1
  v=$(major "$h"); v=${v%%.*}
  [ -n "$v" ] && [ "$v" -ge "$need" ]
}
if [ -n "${JAVA_HOME:-}" ] && check "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
best=""; bestv=0
for h in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -d "$h" ] || continue
  ok "$h" || continue
  v=$(major "$h"); v=${v%%.*}
  [ -n "$v" ] || continue
  if [ "$v" -ge "$need" ] && [ "$v" -gt "$bestv" ]; then best=$h; bestv=$v; fi
done
if [ -n "$best" ]; then echo "$best"; exit 0; fi
echo "SpikeKit needs a JDK >= $need and found none (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm). Fix: install one (Debian/Ubuntu: apt-get install temurin-25-jdk from the Adoptium repository, or download from adoptium.net) and set JAVA_HOME to it." >&2
exit 1
