#!/usr/bin/env bash
# bench/submission/run.sh - authenticated submissions per second: Postern's
# submission program against Debian's Postfix smtpd on a submission
# listener, with the same RSA-2048 certificate and the same Cyrus sasldb
# (saslpasswd2, auxprop/sasldb, mech_list PLAIN LOGIN) on both sides.
# Each session (bench/submission/submit.py, BENCH_WORKERS processes):
# EHLO, STARTTLS (full handshake), EHLO, AUTH PLAIN, MAIL, RCPT to a
# remote address, DATA with a ~600-byte message, QUIT. Both servers put
# every message on hold (smtpd_recipient_restrictions =
# check_client_access static:HOLD): durable acceptance without delivery,
# checked by counting the hold queue after each run. Runs alternate
# Postern/Postfix on emptied queues; per-run figures, the medians of
# BENCH_RUNS runs and the ratio Postern/Postfix are printed. Not part of
# ctest.
#
# Environment: BENCH_SECONDS per run (default 8), BENCH_MAX sessions per
# run (default 20000), BENCH_WORKERS (default 4), BENCH_RUNS (default 3),
# BENCH_DIR (a fresh temp dir). Needs root (Postfix) and a build with
# submission. Fails (exit 1) when a server does not start, a session
# fails or the hold queue lacks accepted messages.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
bin="$top/build/bin"
seconds=${BENCH_SECONDS:-8}
max=${BENCH_MAX:-20000}
workers=${BENCH_WORKERS:-4}
runs=${BENCH_RUNS:-3}
realm=bench.test login=user1@bench.test password=bench-secret-1 rcpt=someone@remote.test

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (Postfix runs as root)"
for p in master postern postconf postalias smtpd submission cleanup qmgr; do
  [ -x "$bin/$p" ] || die "build/bin/$p is missing (submission and the mail path must be built)"
done
./scripts/deps.sh postfix
command -v saslpasswd2 >/dev/null || die "saslpasswd2 is missing (scripts/deps.sh installs sasl2-bin)"
getent group postdrop >/dev/null || groupadd --system postdrop
getent passwd postern >/dev/null || useradd --system --home-dir /nonexistent \
  --no-create-home --shell /usr/sbin/nologin --user-group postern

work=${BENCH_DIR:-$(mktemp -d /tmp/postern-subbench.XXXXXX)}
mkdir -p "$work" && chmod 0755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pn_port=$(free_port) pn_smtp=$(free_port) pf_port=$(free_port) pf_smtp=$(free_port) pf_hold=$(free_port)

# ---- the shared certificate (as bench/tls) ----
certs="$work/certs"
mkdir -p "$certs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$certs/key.pem" -out "$certs/cert.pem" \
  -days 2 -subj /CN=bench.test -addext subjectAltName=DNS:bench.test >/dev/null 2>&1 \
  || die "openssl could not make the certificate"
chmod 0644 "$certs/cert.pem" "$certs/key.pem"

# ---- the shared Cyrus sasldb and smtpd.conf ----
# Readable by both mail owners (postern, postfix): a throw-away bench secret.
sasl="$work/sasl"
mkdir -p "$sasl" && chmod 0755 "$sasl"
printf '%s' "$password" | saslpasswd2 -c -p -f "$sasl/sasldb2" -u "$realm" "${login%@*}" \
  || die "saslpasswd2 failed"
chmod 0644 "$sasl/sasldb2"
printf 'pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s\nmech_list: PLAIN LOGIN\n' \
  "$sasl/sasldb2" >"$sasl/smtpd.conf"
sasl_params=("smtpd_sasl_type=cyrus" "smtpd_sasl_path=smtpd"
  "smtpd_tls_cert_file=$certs/cert.pem" "smtpd_tls_key_file=$certs/key.pem")
hold_opt="-o smtpd_recipient_restrictions=check_client_access,static:HOLD"

# ---- Postern: submission on pn_port (its fixed MSA policy), smtp moved away ----
pn="$work/postern" pconf="$work/postern/conf"
mkdir -p "$pconf" "$pn/queue" "$pn/data"
chmod 0755 "$pn" "$pconf" "$pn/queue"
chown postern:postern "$pn/data"
cp conf/main.cf "$pconf/main.cf"
sed -E -e "s/^smtp( +inet .*)$/127.0.0.1:$pn_smtp\\1/" \
  -e "s/^submission( +inet .*)$/127.0.0.1:$pn_port\\1\n  $hold_opt/" \
  -e '/^submissions +inet/,/^[^ ]/{/^submissions +inet/d;/^ +-o/d}' \
  conf/master.cf >"$pconf/master.cf"
grep -q "^127.0.0.1:$pn_port " "$pconf/master.cf" || die "no submission line in conf/master.cf"
! grep -q '^submissions ' "$pconf/master.cf" || die "could not drop the submissions line"
: >"$pconf/aliases"
"$bin/postconf" -c "$pconf" -e \
  "queue_directory=$pn/queue" "data_directory=$pn/data" \
  "daemon_directory=$bin" "command_directory=$bin" \
  "maillog_file=$pn/maillog" "mail_owner=postern" "setgid_group=postdrop" \
  "default_privs=nobody" "inet_interfaces=127.0.0.1" "inet_protocols=ipv4" \
  "myhostname=postern.bench.test" "alias_maps=hash:$pconf/aliases" \
  "alias_database=hash:$pconf/aliases" "${sasl_params[@]}" "cyrus_sasl_config_path=$sasl"
"$bin/postalias" -c "$pconf" "$pconf/aliases"
pn_start() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" start >/dev/null 2>&1 || die "postern start failed"; }
pn_stop() { MAIL_CONFIG="$pconf" "$bin/postern" -c "$pconf" stop >/dev/null 2>&1 || true; }
pn_hold_dir="$pn/queue/hold"

# ---- Postfix (bench/smtp/postfix_instance.sh, plus a submission listener) ----
pf="$work/postfix"
bench/smtp/postfix_instance.sh create "$pf" "$pf_smtp" "$pf_hold" >/dev/null
# Debian's Postfix reads smtpd.conf from $config_directory/sasl whatever
# cyrus_sasl_config_path says (seen with strace): the same file goes there.
mkdir -p "$pf/etc/sasl" && cp "$sasl/smtpd.conf" "$pf/etc/sasl/smtpd.conf"
postconf -c "$pf/etc" -e "${sasl_params[@]}" "cyrus_sasl_config_path=$pf/etc/sasl"
cat >>"$pf/etc/master.cf" <<EOT
127.0.0.1:$pf_port inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  $hold_opt
EOT
pf_start() { bench/smtp/postfix_instance.sh start "$pf" >/dev/null 2>&1 || die "postfix start failed"; }
pf_stop() { bench/smtp/postfix_instance.sh reset "$pf" >/dev/null 2>&1 || true; }
pf_hold_dir="$pf/spool/hold"

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing answers on 127.0.0.1:$1"
}
empty_hold() { find "$1" -type f -delete 2>/dev/null || true; }
trap 'pn_stop; pf_stop' EXIT

measure() { # name port -> submissions/s
  local name=$1 port=$2 hold n elapsed failed err held
  hold="${name}_hold_dir"; hold=${!hold}
  empty_hold "$hold"
  "${name}_start"; wait_port "$port"
  sleep 0.5
  read -r n elapsed failed err < <(python3 bench/submission/submit.py \
    "$port" "$seconds" "$workers" "$max" "$login" "$password" "$rcpt")
  held=$(find "$hold" -type f | wc -l)
  "${name}_stop"
  [ "$failed" -eq 0 ] || die "$name: $failed of $((n + failed)) sessions failed (first: ${err//_/ })"
  [ "$n" -gt 0 ] || die "$name: no submission completed"
  [ "$held" -ge "$n" ] || die "$name: $n messages accepted but $held in the hold queue"
  python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / float(sys.argv[2])))" "$n" "$elapsed"
}

echo "bench: STARTTLS + AUTH PLAIN (Cyrus sasldb) + one message to hold, $workers client processes, ${seconds}s or $max sessions per run, $runs runs, in $work"
pn_rates=() pf_rates=()
for r in $(seq 1 "$runs"); do
  a=$(measure pn "$pn_port"); pn_rates+=("$a")
  echo "run $r postern: $a submissions/s"
  b=$(measure pf "$pf_port"); pf_rates+=("$b")
  echo "run $r postfix: $b submissions/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
mp=$(median "${pn_rates[@]}") mf=$(median "${pf_rates[@]}")
echo "median postern: $mp submissions/s"
echo "median postfix: $mf submissions/s"
python3 -c "import sys; print('ratio postern/postfix: %.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$mp" "$mf"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
