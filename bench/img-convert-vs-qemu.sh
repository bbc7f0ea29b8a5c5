#!/usr/bin/env bash
# vireo img convert vs qemu-img convert on the same 1 GiB qcow2 (800 MiB of data), N rounds,
# page cache dropped of dirty data (sync) between runs. Prints the median wall time of each.
# Usage: bench/img-convert-vs-qemu.sh [rounds]   (needs target/classes built: mvn -pl vireo-cli -am compile)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/java-home.sh"
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
picocli=$(find ~/.m2/repository/info/picocli -name 'picocli-*.jar' | head -1)
cp="$root/vireo-cli/target/classes:$root/vireo-image/target/classes:$root/vireo-machine/target/classes:$root/vireo-riscv/target/classes:$picocli"
vireo() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.vireo.cli.Main img "$@"; }
qemu-img create -q -f qcow2 "$work/src.qcow2" 1G
qemu-io -c "write -P 7 0 700M" -c "write -P 9 800M 100M" "$work/src.qcow2" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for fmt in qcow2 raw; do
  for tool in qemu vireo; do
    for _ in $(seq "$rounds"); do
      rm -f "$work/out"; sync
      start=$(date +%s.%N)
      if [ $tool = qemu ]; then qemu-img convert -O $fmt "$work/src.qcow2" "$work/out"; else vireo convert -O $fmt "$work/src.qcow2" "$work/out"; fi
      end=$(date +%s.%N)
      echo "$end - $start" | bc
      qemu-img compare -q "$work/src.qcow2" "$work/out"
    done | median | xargs printf "%-6s -> %-5s median %6.2f s\n" $tool $fmt
  done
done
