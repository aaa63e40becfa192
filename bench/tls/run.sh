#!/usr/bin/env bash
# bench/tls/run.sh - full TLS handshakes per second, port-25 style
# (greeting, EHLO, STARTTLS, handshake without resumption, QUIT), against
# Postern's smtpd and Debian's Postfix with the same RSA-2048 certificate
# and each server's TLS defaults (TLS 1.3 is negotiated by both). The
# client is bench/tls/handshakes.py with BENCH_WORKERS processes. Runs
# alternate Postern/Postfix; the median of BENCH_RUNS runs and the ratio
# are printed. Not part of ctest.
#
# Environment: BENCH_SECONDS per run (default 8), BENCH_MAX sessions per
# run (default 20000), BENCH_WORKERS (default 4), BENCH_RUNS (default 3),
# BENCH_DIR (a fresh temp dir). Needs root (Postfix) and a build with
# smtpd. Fails (exit 1) when a server does not start or a run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
bin="$top/build/bin"
seconds=${BENCH_SECONDS:-8}
max=${BENCH_MAX:-20000}
workers=${BENCH_WORKERS:-4}
runs=${BENCH_RUNS:-3}

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (Postfix runs as root)"
for p in master postern postconf postalias smtpd cleanup qmgr local; do
  [ -x "$bin/$p" ] || die "build/bin/$p is missing (smtpd and the mail path must be built)"
done
./scripts/deps.sh postfix
getent group postdrop >/dev/null || groupadd --system postdrop
getent passwd postern >/dev/null || useradd --system --home-dir /nonexistent \
  --no-create-home --shell /usr/sbin/nologin --user-group postern

work=${BENCH_DIR:-$(mktemp -d /tmp/postern-tlsbench.XXXXXX)}
mkdir -p "$work" && chmod 0755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pn_port=$(free_port) pf_port=$(free_port) pf_unused=$(free_port)

# ---- the shared certificate ----
certs="$work/certs"
mkdir -p "$certs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$certs/key.pem" -out "$certs/cert.pem" \
  -days 2 -subj /CN=bench.test -addext subjectAltName=DNS:bench.test >/dev/null 2>&1 \
  || die "openssl could not make the certificate"
chmod 0644 "$certs/cert.pem" "$certs/key.pem"

# ---- Postern ----
pn="$work/postern" pconf="$work/postern/conf"
mkdir -p "$pconf" "$pn/queue" "$pn/data"
chmod 0755 "$pn" "$pconf" "$pn/queue"
chown postern:postern "$pn/data"
cp conf/main.cf "$pconf/main.cf"
sed -E "s/^smtp( +inet .*)$/127.0.0.1:$pn_port\\1/" conf/master.cf >"$pconf/master.cf"
: >"$pconf/aliases"
"$bin/postconf" -c "$pconf" -e \
  "queue_directory=$pn/queue" "data_directory=$pn/data" \
  "daemon_directory=$bin" "command_directory=$bin" \
  "maillog_file=$pn/maillog" "mail_owner=postern" "setgid_group=postdrop" \
  "default_privs=nobody" "inet_interfaces=127.0.0.1" "inet_protocols=ipv4" \
  "myhostname=postern.bench.test" "alias_maps=hash:$pconf/aliases" \
  "alias_database=hash:$pconf/aliases" \
  "smtpd_tls_cert_file=$certs/cert.pem" "smtpd_tls_key_file=$certs/key.pem" \
  "smtpd_tls_security_level=may"
"$bin/postalias" -c "$pconf" "$pconf/aliases"
pn_start() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" start >/dev/null 2>&1 || die "postern start failed"; }
pn_stop() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" stop >/dev/null 2>&1 || true; }

# ---- Postfix (bench/smtp/postfix_instance.sh, plus TLS) ----
pf="$work/postfix"
bench/smtp/postfix_instance.sh create "$pf" "$pf_port" "$pf_unused" >/dev/null
postconf -c "$pf/etc" -e \
  "smtpd_tls_cert_file=$certs/cert.pem" "smtpd_tls_key_file=$certs/key.pem" \
  "smtpd_tls_security_level=may"
pf_start() { bench/smtp/postfix_instance.sh start "$pf" >/dev/null 2>&1 || die "postfix start failed"; }
pf_stop() { bench/smtp/postfix_instance.sh stop "$pf" >/dev/null 2>&1 || true; }

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing answers on 127.0.0.1:$1"
}
trap 'pn_stop; pf_stop' EXIT

measure() { # name port -> handshakes/s
  local name=$1 port=$2 n elapsed failed
  "${name}_start"; wait_port "$port"
  sleep 0.5
  read -r n elapsed failed < <(python3 bench/tls/handshakes.py "$port" "$seconds" "$workers" "$max")
  "${name}_stop"
  [ "$failed" -eq 0 ] || die "$name: $failed of $((n + failed)) sessions failed"
  [ "$n" -gt 0 ] || die "$name: no handshake completed"
  python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / float(sys.argv[2])))" "$n" "$elapsed"
}

echo "bench: STARTTLS full handshakes, $workers client processes, ${seconds}s or $max sessions per run, $runs runs, in $work"
pn_rates=() pf_rates=()
for r in $(seq 1 "$runs"); do
  a=$(measure pn "$pn_port"); pn_rates+=("$a")
  echo "run $r postern: $a handshakes/s"
  b=$(measure pf "$pf_port"); pf_rates+=("$b")
  echo "run $r postfix: $b handshakes/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
mp=$(median "${pn_rates[@]}") mf=$(median "${pf_rates[@]}")
echo "median postern: $mp handshakes/s"
echo "median postfix: $mf handshakes/s"
python3 -c "import sys; print('ratio postern/postfix: %.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$mp" "$mf"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
