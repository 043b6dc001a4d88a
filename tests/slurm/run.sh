#!/usr/bin/env bash
# A sharded sweep on a real one-node Slurm cluster: starts munge, slurmctld
# and slurmd (Debian's slurm-wlm and munge) in the foreground of this
# script, runs deploy/slurm/sweep.sbatch as a 3-task job array on
# models/tiny, merges the slices with `rareflow merge`, and checks that the
# result is byte for byte the sweep.csv of the same sweep on one machine.
#
# Usage: tests/slurm/run.sh path/to/rareflow
# Exit 0 when the merged sweep matches; 1 when it does not (or a step
# fails); 0 with a line starting "slurm: NOT RUN" when Slurm cannot start on
# this machine (the reason, and the daemons' logs, are printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(realpath "${1:?usage: tests/slurm/run.sh path/to/rareflow}")"
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
not_run() {
  echo "slurm: NOT RUN: $1"
  for log in "$tmp"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }; done
  exit 0
}
for c in munged slurmctld slurmd sbatch sinfo; do
  command -v "$c" >/dev/null || not_run "$c is not installed (apt-get install slurm-wlm munge)"
done

# munge: a key, and the daemon with its socket in our own directory.
mkdir -p "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$tmp/munge"; chmod 400 "$tmp/munge/munge.key"
socket="$tmp/munge/munge.socket"
munged --force --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munge/seed" \
  || not_run "munged does not start"

host="$(hostname -s)"
cpus="$(nproc)"
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=rareflow
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -i >"$tmp/slurmctld.out.log" 2>&1 & pids+=($!)
slurmd -D >"$tmp/slurmd.out.log" 2>&1 & pids+=($!)
up=""
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then up=1; break; fi
  sleep 1
done
[ -n "$up" ] || not_run "the node did not come up within 60 s"

set_args="--set cap[cn-magnets-us]=0..200:100 --set demand[US,ev]=x0.5,x1"
# One machine.
# shellcheck disable=SC2086
"$bin" sweep models/tiny $set_args --out "$tmp/whole" >/dev/null
# The job array, each task one slice.
export RAREFLOW="$bin" MODEL=models/tiny RESULTS="$tmp/results" SWEEP="$set_args"
job=$(sbatch --parsable --wait --array=1-3 --output="$tmp/task-%a.log" deploy/slurm/sweep.sbatch) \
  || { for f in "$tmp"/task-*.log; do echo "--- $f"; cat "$f"; done; echo "slurm: the job array failed"; exit 1; }
"$bin" merge "$tmp"/results/shard-1 "$tmp"/results/shard-2 "$tmp"/results/shard-3 --out "$tmp/merged" >/dev/null
if cmp -s "$tmp/whole/sweep.csv" "$tmp/merged/sweep.csv"; then
  echo "slurm: job $job, 3 tasks: the merged sweep.csv is the one-machine sweep.csv, byte for byte"
else
  diff "$tmp/whole/sweep.csv" "$tmp/merged/sweep.csv" || true
  echo "slurm: the merged sweep differs from the one-machine sweep"
  exit 1
fi
