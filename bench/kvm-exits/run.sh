#!/usr/bin/env bash
# bench/kvm-exits: port-write exits per second from a CPL3 guest loop, Vireo's KVM backend vs a
# minimal C VMM (built here with gcc) running the same guest; prints both and their ratio.
# On our nested PVM hosts a port exit costs ~300-500 µs, hence only 10000 iterations.
# Needs /dev/kvm, gcc and binutils; run from anywhere after `mvn -pl vireo-kvm -am compile`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/java-home.sh" 2>/dev/null || true
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
iterations=$(awk '/\.set ITERATIONS/ {gsub(",", "", $3); print $3}' "$here/guest.S")
as --64 -o "$work/guest.o" "$here/guest.S"
ld -m elf_x86_64 -nostdlib -static --build-id=none -z noexecstack -T "$here/guest.ld" -o "$work/guest.elf" "$work/guest.o"
objcopy -O binary "$work/guest.elf" "$work/guest.bin"
gcc -O2 -Wall -o "$work/vmm" "$here/vmm.c"
classes="$root/vireo-kvm/target/classes:$root/vireo-machine/target/classes"
runs=${RUNS:-3}
c=(); v=()
for i in $(seq "$runs"); do
  c+=("$("$work/vmm" "$work/guest.bin")")
  v+=("$("$java" --enable-native-access=ALL-UNNAMED -cp "$classes" "$here/ExitRate.java" "$work/guest.elf" "$iterations")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cm=$(median "${c[@]}"); vm=$(median "${v[@]}")
echo "guest: $iterations port writes from CPL3 (median of $runs runs)"
echo "C VMM:  $cm exits/s   (runs: ${c[*]})"
echo "Vireo:  $vm exits/s   (runs: ${v[*]})"
awk -v v="$vm" -v c="$cm" 'BEGIN { printf "Vireo / C VMM = %.2f\n", v / c }'
