#!/usr/bin/env bash
# vireo img convert vs qemu-img convert on the same 1 GiB qcow2 (800 MiB of data in two
# runs, 224 MiB unallocated), to qcow2 and to raw, N rounds alternating between the tools;
# dirty pages are written back (sync) before each run and the output is checked with
# qemu-img compare. Prints the median wall and CPU (user+sys) time of each and the ratio
# qemu/vireo of wall times (1.0 or more: Vireo at least as fast). Both run as a user would
# run them: `./vireo img convert` (JVM start-up included) and `qemu-img convert`.
# Usage: [BENCH_DIR=/dev/shm] [VIREO=path/to/vireo] bench/img-convert-vs-qemu.sh [rounds=3]
# (VIREO: the launcher to measure, e.g. another checkout's, to compare versions; default ./vireo.)
# (BENCH_DIR on a tmpfs takes the host disk's writeback, which varies 10x on a shared host,
# out of the figures: then they compare the tools' own CPU work.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-3}
vireo=${VIREO:-$root/vireo}
"$vireo" --version >/dev/null   # builds Vireo (and its start-up cache) first if its sources changed
work=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
trap 'rm -rf "$work"' EXIT
qemu-img create -q -f qcow2 "$work/src.qcow2" 1G
qemu-io -c "write -P 7 0 700M" -c "write -P 9 800M 100M" "$work/src.qcow2" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "== convert a 1 GiB qcow2 (800 MiB data), median of $rounds"
printf '%-6s %-6s %8s %8s\n' to tool "wall s" "cpu s"
for fmt in qcow2 raw; do
  for _ in $(seq "$rounds"); do
    for tool in qemu vireo; do
      rm -f "$work/out"; sync
      if [ $tool = qemu ]; then /usr/bin/time -o "$work/time" -f '%e %U %S' qemu-img convert -O $fmt "$work/src.qcow2" "$work/out"
      else /usr/bin/time -o "$work/time" -f '%e %U %S' "$vireo" img convert -O $fmt "$work/src.qcow2" "$work/out"; fi
      awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$work/time" >>"$work/$tool.$fmt"
      qemu-img compare -q "$work/src.qcow2" "$work/out"
    done
  done
  for tool in qemu vireo; do
    printf '%-6s %-6s %8s %8s\n' $fmt $tool "$(cut -d' ' -f1 "$work/$tool.$fmt" | median)" "$(cut -d' ' -f2 "$work/$tool.$fmt" | median)"
  done
  awk -v q="$(cut -d' ' -f1 "$work/qemu.$fmt" | median)" -v v="$(cut -d' ' -f1 "$work/vireo.$fmt" | median)" -v f=$fmt \
    'BEGIN {printf "%-6s speed ratio qemu/vireo (wall): %.2f\n", f, q / v}'
done
