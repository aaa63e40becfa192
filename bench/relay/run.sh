#!/usr/bin/env bash
# bench/relay/run.sh - relay throughput, Postern against Postfix: how fast
# the queue manager and the smtp client empty a queue of N messages into
# Postfix's smtp-sink (which accepts and discards), with the same
# transport table on both: D domains d0.bench.test .. d(D-1), each routed
# to its own smtp-sink port (D destinations).
#
# Per run and server: the messages are accepted through a listener that
# puts every message on hold (smtp-source, N/D per domain), "postsuper -H
# ALL" moves them to deferred/, and the clock runs from "postqueue -f"
# until the queue (incoming, active, deferred) is empty and the log shows
# N status=sent lines. Runs alternate A/B on freshly reset trees;
# the median of RUNS runs and the Postern/Postfix ratio are printed.
# Not part of ctest.
#
# Environment: BENCH_MESSAGES (default 2000), BENCH_RUNS (3), BENCH_BIN (build/bin),
# BENCH_DOMAINS (4), BENCH_SIZE (4096), BENCH_DIR (a fresh temp dir).
# Needs root (Postfix) and a build with smtpd and the smtp agent. Exit 1
# when a server does not start or a run does not finish within 300 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
bin=${BENCH_BIN:-"$top/build/bin"}
messages=${BENCH_MESSAGES:-2000}
runs=${BENCH_RUNS:-3}
domains=${BENCH_DOMAINS:-4}
size=${BENCH_SIZE:-4096}
per_domain=$(( messages / domains ))
messages=$(( per_domain * domains ))

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (Postfix runs as root)"
for p in master postern postconf postsuper postqueue smtpd cleanup qmgr smtp; do
  [ -x "$bin/$p" ] || die "build/bin/$p is missing (smtpd and the smtp agent must be built)"
done
./scripts/deps.sh postfix
command -v bc >/dev/null || die "bc is needed (apt-get install bc)"
getent group postdrop >/dev/null || groupadd --system postdrop
getent passwd postern >/dev/null || useradd --system --home-dir /nonexistent \
  --no-create-home --shell /usr/sbin/nologin --user-group postern

work=${BENCH_DIR:-$(mktemp -d /tmp/postern-relay-bench.XXXXXX)}
mkdir -p "$work" && chmod 0755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pn_port=$(free_port) pn_hold=$(free_port) pf_port=$(free_port) pf_hold=$(free_port)

# ---- the sinks and the shared transport table ----
sink_pids=()
table="$work/transport"
: >"$table"
for i in $(seq 0 $((domains - 1))); do
  port=$(free_port)
  /usr/sbin/smtp-sink -u postfix "127.0.0.1:$port" 256 >/dev/null 2>&1 &
  sink_pids+=($!)
  echo "d$i.bench.test smtp:[127.0.0.1]:$port" >>"$table"
done
stop_sinks() { for p in "${sink_pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_sinks EXIT

# ---- Postern: a hold listener, the transport table, nothing local ----
pn="$work/postern" pconf="$work/postern/conf"
pn_setup() {
  mkdir -p "$pconf" "$pn/queue" "$pn/data"
  chmod 0755 "$pn" "$pconf" "$pn/queue"
  chown postern:postern "$pn/data"
  cp conf/main.cf "$pconf/main.cf"
  cp conf/aliases "$pconf/aliases" 2>/dev/null || : >"$pconf/aliases"
  sed -E "s/^smtp( +inet .*)$/127.0.0.1:$pn_port\\1\n127.0.0.1:$pn_hold\\1\n  -o smtpd_client_restrictions=check_client_access,static:HOLD/" \
    conf/master.cf >"$pconf/master.cf"
  cp "$table" "$pconf/transport"
  "$bin/postconf" -c "$pconf" -e \
    "queue_directory=$pn/queue" "data_directory=$pn/data" \
    "daemon_directory=$bin" "command_directory=$bin" \
    "maillog_file=$pn/maillog" "mail_owner=postern" "setgid_group=postdrop" \
    "default_privs=nobody" "inet_interfaces=127.0.0.1" "inet_protocols=ipv4" \
    "myhostname=postern.bench.test" "mydestination=localhost" \
    "mynetworks=127.0.0.0/8" "alias_maps=" "alias_database=" \
    "transport_maps=texthash:$pconf/transport" \
    "smtpd_relay_restrictions=permit_mynetworks, reject_unauth_destination"
}
pn_reset() {
  MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" stop >/dev/null 2>&1 || true
  for q in maildrop incoming active deferred hold corrupt bounce defer trace; do
    find "$pn/queue/$q" -type f -delete 2>/dev/null || true
  done
  : >"$pn/maillog"
}
pn_start() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" start >/dev/null 2>&1 || die "postern start failed"; }
pn_stop() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" stop >/dev/null 2>&1 || true; }
pn_unhold() { "$bin/postsuper" -c "$pconf" -H ALL >/dev/null 2>&1 || die "postern: postsuper -H failed"; }
pn_flush() { "$bin/postqueue" -c "$pconf" -f || die "postern: postqueue -f failed"; }
pn_spool="$pn/queue" pn_log="$pn/maillog"

# ---- Postfix (bench/smtp/postfix_instance.sh) + the same table ----
pf="$work/postfix"
pf_setup() {
  bench/smtp/postfix_instance.sh create "$pf" "$pf_port" "$pf_hold"
  cp "$table" "$pf/etc/transport"
  postmap -c "$pf/etc" "$pf/etc/transport"
  postconf -c "$pf/etc" -e "transport_maps=hash:$pf/etc/transport"
}
pf_reset() { bench/smtp/postfix_instance.sh reset "$pf"; : >"$pf/maillog"; }
pf_start() { bench/smtp/postfix_instance.sh start "$pf" >/dev/null 2>&1 || die "postfix start failed"; }
pf_stop() { bench/smtp/postfix_instance.sh stop "$pf"; }
pf_unhold() { postsuper -c "$pf/etc" -H ALL >/dev/null 2>&1 || die "postfix: postsuper -H failed"; }
pf_flush() { postqueue -c "$pf/etc" -f || die "postfix: postqueue -f failed"; }
pf_spool="$pf/spool" pf_log="$pf/maillog"

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing answers on 127.0.0.1:$1"
}
count() { find "$1" -type f 2>/dev/null | wc -l; }
queued() { echo $(( $(count "$1/incoming") + $(count "$1/active") + $(count "$1/deferred") )); }
sent() { grep -c "status=sent" "$1" 2>/dev/null || true; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; print('%.1f' % ($messages / max(float(sys.argv[1]), 1e-9)))" "$1"; }

fill() { # hold_port
  for i in $(seq 0 $((domains - 1))); do
    timeout 300 /usr/sbin/smtp-source -s 10 -l "$size" -m "$per_domain" \
      -f bench@example.org -t "user@d$i.bench.test" "127.0.0.1:$1" || die "smtp-source failed on port $1"
  done
}

measure() { # name hold -> messages/s
  local name=$1 hold=$2 spool log t0 t1 deadline
  spool=$(eval echo "\$${name}_spool") log=$(eval echo "\$${name}_log")
  "${name}_reset"; "${name}_start"; wait_port "$hold"
  fill "$hold"
  deadline=$(( $(date +%s) + 60 ))
  while [ "$(count "$spool/hold")" -lt "$messages" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$name: only $(count "$spool/hold") of $messages on hold"
    sleep 0.1
  done
  "${name}_unhold"
  t0=$(now)
  "${name}_flush"
  deadline=$(( $(date +%s) + 300 ))
  while [ "$(queued "$spool")" -gt 0 ] || [ "$(count "$spool/hold")" -gt 0 ] \
        || [ "$(sent "$log")" -lt "$messages" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$name: $(sent "$log") of $messages sent, $(queued "$spool") queued"
    sleep 0.05
  done
  t1=$(now)
  "${name}_stop"
  rate "$(echo "$t1 - $t0" | bc)"
}

pn_setup >/dev/null
pf_setup >/dev/null
echo "bench: $messages messages of $size bytes to $domains destinations (smtp-sink), $runs runs, in $work"
pn_r=() pf_r=()
for r in $(seq 1 "$runs"); do
  v=$(measure pn "$pn_hold"); pn_r+=("$v"); echo "run $r postern: $v msg/s"
  v=$(measure pf "$pf_hold"); pf_r+=("$v"); echo "run $r postfix: $v msg/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
mn=$(median "${pn_r[@]}") mf=$(median "${pf_r[@]}")
echo "median relay throughput: postern $mn msg/s, postfix $mf msg/s (Postfix defaults)"
python3 -c "import sys; a,b=map(float,sys.argv[1:]); print('ratio postern/postfix: %.2f' % (a/b))" "$mn" "$mf"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
