#!/usr/bin/env bash
# How long `img convert` takes to start copying: time from the exec of the command to its first
# data write (the first pwrite of 1 MiB or more), and to its exit, on the 1 GiB qcow2 of
# img-convert-vs-qemu.sh (800 MiB of data), to qcow2. Each launcher given runs N times, in
# turn; prints the median (and range) of each. The times come from strace (only execve and
# pwrite64 are traced, with seccomp-bpf, so the other system calls run at full speed; the
# writes themselves pay a little for the tracing). For CPU time, see img-convert-vs-qemu.sh.
# On a shared host, IDLE=80 makes each run wait until the CPUs were at least 80% idle over the
# last 0.3 s (another job's burst would otherwise land in some runs and not others).
# Usage: [BENCH_DIR=/dev/shm] [FORMAT=raw] [IDLE=80] bench/img-convert-first-write.sh [rounds=9] [launcher...]
# (launchers: default ./vireo; e.g. `bench/img-convert-first-write.sh 9 /other/checkout/vireo ./vireo`
# compares two versions, and a wrapper script running qemu-img shows qemu-img's figure.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-9}
shift || true
launchers=("$@")
[ ${#launchers[@]} -gt 0 ] || launchers=("$root/vireo")
command -v strace >/dev/null || { echo "needs strace (apt-get install strace)" >&2; exit 1; }
for l in "${launchers[@]}"; do "$l" --version >/dev/null; done # builds (and makes start-up caches) first
work=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
trap 'rm -rf "$work"' EXIT
qemu-img create -q -f qcow2 "$work/src.qcow2" 1G
qemu-io -c "write -P 7 0 700M" -c "write -P 9 800M 100M" "$work/src.qcow2" >/dev/null
# Waits until the CPUs were idle at least $IDLE percent of 0.3 s (/proc/stat: idle is field 5).
wait_idle() {
  [ -n "${IDLE:-}" ] || return 0
  while :; do
    read -r _ u1 n1 s1 i1 w1 q1 r1 t1 _ </proc/stat; sleep 0.3
    read -r _ u2 n2 s2 i2 w2 q2 r2 t2 _ </proc/stat
    total=$(( (u2 + n2 + s2 + i2 + w2 + q2 + r2 + t2) - (u1 + n1 + s1 + i1 + w1 + q1 + r1 + t1) ))
    [ $(( (i2 - i1) * 100 )) -ge $(( IDLE * total )) ] && return 0
    sleep 1
  done
}
for _ in $(seq "$rounds"); do
  for i in "${!launchers[@]}"; do
    rm -f "$work/out"; sync; wait_idle
    strace -f --seccomp-bpf -ttt -e trace=execve,pwrite64 -e signal=none -o "$work/trace" \
      "${launchers[$i]}" img convert -O "${FORMAT:-qcow2}" "$work/src.qcow2" "$work/out"
    end=$(date +%s.%N)
    awk -v end="$end" -v i="$i" '
      /execve\(/ && !t0 { t0 = $2 }
      /pwrite64\(/ { n = $0; sub(/.*\) = /, "", n); if (!first && n + 0 >= 1048576) first = $2 }
      END { printf "%d %.3f %.3f\n", i, first - t0, end - t0 }' "$work/trace" >>"$work/times"
    qemu-img compare -q "$work/src.qcow2" "$work/out"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {printf "%.3f (%.3f-%.3f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo "== img convert of a 1 GiB qcow2 (800 MiB data) to ${FORMAT:-qcow2}, median (range) of $rounds, seconds from exec"
for i in "${!launchers[@]}"; do
  echo "${launchers[$i]}: first data write $(awk -v i="$i" '$1 == i {print $2}' "$work/times" | median)," \
    "exit $(awk -v i="$i" '$1 == i {print $3}' "$work/times" | median)"
done
