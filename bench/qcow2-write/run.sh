#!/usr/bin/env bash
# Write throughput of vireo-image's qcow2 with crash-safe metadata ordering (no unsafe cache):
# 256 MiB of sequential 128 KiB writes, and 20000 random 4 KiB writes over 1 GiB, on fresh images.
# Each run ends with qemu-img check. Needs vireo-image/target/classes (mvn -pl vireo-image compile).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/java-home.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$JAVA_HOME/bin/javac" -cp "$root/vireo-image/target/classes" -d "$work" "$here"/*.java
for main in SeqWrite RandWrite; do
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$root/vireo-image/target/classes:$work" $main "$work/$main.qcow2"
  qemu-img check -q "$work/$main.qcow2" && echo "  qemu-img check: clean"
done
