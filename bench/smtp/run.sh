#!/usr/bin/env bash
# bench/smtp/run.sh - Postern against Postfix with Postfix's smtp-source as
# the client: 20 parallel sessions, 4 KiB messages, one recipient in a
# local Maildir. Two figures per server, messages/second:
#   accept  - smtp-source's wall time against a listener that puts every
#             message on hold (check_client_access static:HOLD): durable
#             acceptance without delivery;
#   e2e     - from the first connection until the last message is in the
#             Maildir (the normal listener).
# Runs alternate A/B on freshly reset trees; the median of RUNS runs and
# the Postern/Postfix ratios are printed. Not part of ctest.
#
# Environment: BENCH_MESSAGES (default 2000), BENCH_RUNS (3),
# BENCH_SESSIONS (20), BENCH_SIZE (4096), BENCH_DIR (a fresh temp dir).
# Needs root (Postfix) and a build with smtpd (./scripts/start.sh or
# cmake). Fails (exit 1) when a server does not start or a run does not
# finish within 300 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
bin="$top/build/bin"
messages=${BENCH_MESSAGES:-2000}
runs=${BENCH_RUNS:-3}
sessions=${BENCH_SESSIONS:-20}
size=${BENCH_SIZE:-4096}

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (Postfix runs as root)"
for p in master postern postconf postalias smtpd cleanup qmgr local; do
  [ -x "$bin/$p" ] || die "build/bin/$p is missing (smtpd and the mail path must be built)"
done
./scripts/deps.sh postfix
getent group postdrop >/dev/null || groupadd --system postdrop
getent passwd postern >/dev/null || useradd --system --home-dir /nonexistent \
  --no-create-home --shell /usr/sbin/nologin --user-group postern

work=${BENCH_DIR:-$(mktemp -d /tmp/postern-bench.XXXXXX)}
mkdir -p "$work" && chmod 0755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pn_port=$(free_port) pn_hold=$(free_port) pf_port=$(free_port) pf_hold=$(free_port)

# ---- Postern: the same shape as Postfix's (hold listener, one Maildir) ----
pn="$work/postern" pconf="$work/postern/conf"
pn_setup() {
  mkdir -p "$pconf" "$pn/queue" "$pn/data" "$pn/mail"
  chmod 0755 "$pn" "$pconf" "$pn/queue"
  chown postern:postern "$pn/data"
  chown nobody "$pn/mail"
  cp conf/main.cf "$pconf/main.cf"
  sed -E "s/^smtp( +inet .*)$/127.0.0.1:$pn_port\\1\n127.0.0.1:$pn_hold\\1\n  -o smtpd_client_restrictions=check_client_access,static:HOLD/" \
    conf/master.cf >"$pconf/master.cf"
  printf 'user1: %s/mail/user1/\n' "$pn" >"$pconf/aliases"
  "$bin/postconf" -c "$pconf" -e \
    "queue_directory=$pn/queue" "data_directory=$pn/data" \
    "daemon_directory=$bin" "command_directory=$bin" \
    "maillog_file=$pn/maillog" "mail_owner=postern" "setgid_group=postdrop" \
    "default_privs=nobody" "inet_interfaces=127.0.0.1" "inet_protocols=ipv4" \
    "myhostname=postern.bench.test" "mydestination=bench.test" \
    "mynetworks=127.0.0.0/8" "alias_maps=hash:$pconf/aliases" \
    "alias_database=hash:$pconf/aliases" \
    "smtpd_relay_restrictions=permit_mynetworks, reject_unauth_destination"
  "$bin/postalias" -c "$pconf" "$pconf/aliases"
}
pn_reset() {
  MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" stop >/dev/null 2>&1 || true
  for q in maildrop incoming active deferred hold corrupt bounce defer trace; do
    find "$pn/queue/$q" -type f -delete 2>/dev/null || true
  done
  rm -rf "$pn/mail/user1"
}
pn_start() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" start >/dev/null 2>&1 || die "postern start failed"; }
pn_stop() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" stop >/dev/null 2>&1 || true; }
pn_maildir="$pn/mail/user1/new"

# ---- Postfix (bench/smtp/postfix_instance.sh) ----
pf="$work/postfix"
pf_setup() { bench/smtp/postfix_instance.sh create "$pf" "$pf_port" "$pf_hold"; }
pf_reset() { bench/smtp/postfix_instance.sh reset "$pf"; }
pf_start() { bench/smtp/postfix_instance.sh start "$pf" >/dev/null 2>&1 || die "postfix start failed"; }
pf_stop() { bench/smtp/postfix_instance.sh stop "$pf"; }
pf_maildir="$pf/mail/bench.test/user1/new"

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing answers on 127.0.0.1:$1"
}
count() { find "$1" -type f 2>/dev/null | wc -l; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; print('%.1f' % ($messages / max(float(sys.argv[1]), 1e-9)))" "$1"; }

source_run() { # port
  timeout 300 /usr/sbin/smtp-source -s "$sessions" -l "$size" -m "$messages" \
    -f bench@example.org -t user1@bench.test "127.0.0.1:$1" || die "smtp-source failed on port $1"
}

measure() { # name port hold maildir holddir -> "accept e2e"
  local name=$1 port=$2 hold=$3 maildir=$4 holddir=$5 t0 t1 t2 deadline
  "${name}_reset"; "${name}_start"; wait_port "$port"; wait_port "$hold"
  t0=$(now); source_run "$hold"; t1=$(now)
  [ "$(count "$holddir")" -ge "$messages" ] || die "$name: only $(count "$holddir") of $messages on hold"
  "${name}_reset"; "${name}_start"; wait_port "$port"
  t0e=$(now); source_run "$port"
  deadline=$(( $(date +%s) + 300 ))
  while [ "$(count "$maildir")" -lt "$messages" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$name: only $(count "$maildir") of $messages delivered"
    sleep 0.05
  done
  t2=$(now)
  "${name}_stop"
  echo "$(rate "$(echo "$t1 - $t0" | bc)") $(rate "$(echo "$t2 - $t0e" | bc)")"
}

command -v bc >/dev/null || die "bc is needed (apt-get install bc)"
pn_setup >/dev/null
pf_setup >/dev/null
echo "bench: $messages messages of $size bytes, $sessions sessions, $runs runs, in $work"
pn_acc=() pn_e2e=() pf_acc=() pf_e2e=()
for r in $(seq 1 "$runs"); do
  read -r a e < <(measure pn "$pn_port" "$pn_hold" "$pn_maildir" "$pn/queue/hold")
  pn_acc+=("$a"); pn_e2e+=("$e")
  echo "run $r postern: accept $a/s, e2e $e/s"
  read -r a e < <(measure pf "$pf_port" "$pf_hold" "$pf_maildir" "$pf/spool/hold")
  pf_acc+=("$a"); pf_e2e+=("$e")
  echo "run $r postfix: accept $a/s, e2e $e/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ma=$(median "${pn_acc[@]}") me=$(median "${pn_e2e[@]}")
fa=$(median "${pf_acc[@]}") fe=$(median "${pf_e2e[@]}")
echo "median postern: accept $ma/s, e2e $me/s"
echo "median postfix: accept $fa/s, e2e $fe/s (Postfix defaults: in_flow_delay 1s, fsync before 250)"
python3 -c "import sys; a,b,c,d=map(float,sys.argv[1:]); print('ratio postern/postfix: accept %.2f, e2e %.2f' % (a/c, b/d))" "$ma" "$me" "$fa" "$fe"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
