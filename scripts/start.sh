#!/usr/bin/env bash
# start.sh - build Postern and start a development instance under ./run/.
#
# Installs the Debian packages (scripts/deps.sh), builds into build/, writes
# the instance's configuration (run/conf, derived from conf/), runs
# "postern check" and "postern start", waits until the SMTP port answers
# (when smtpd is built) and prints how to send a message and where it lands.
# Running it again keeps the instance's files and restarts nothing: a
# running instance is told to reload its configuration. scripts/stop.sh
# stops it. docs/INSTANCE.md describes the instance.
#
# Environment: POSTERN_SMTP_PORT (default 2525), POSTERN_SUBMISSION_PORT
# (2587, STARTTLS) and POSTERN_SUBMISSIONS_PORT (2465, implicit TLS),
# POSTERN_NO_BUILD=1 (use the
# existing build/, do not run deps.sh or cmake). Fails (exit 1) with a
# message when the build, the check or the start fails.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
run="$top/run"
bin="$top/build/bin"
conf="$run/conf"
port="${POSTERN_SMTP_PORT:-2525}"
sub_port="${POSTERN_SUBMISSION_PORT:-2587}"
subs_port="${POSTERN_SUBMISSIONS_PORT:-2465}"
domain="dev.postern.test"

say() { printf 'start.sh: %s\n' "$*"; }
die() { printf 'start.sh: %s\n' "$*" >&2; exit 1; }

case "$port" in ''|*[!0-9]*) die "POSTERN_SMTP_PORT must be a port number, not '$port'";; esac
case "$sub_port$subs_port" in ''|*[!0-9]*) die "POSTERN_SUBMISSION_PORT and POSTERN_SUBMISSIONS_PORT must be port numbers";; esac

if [ "${POSTERN_NO_BUILD:-0}" != 1 ]; then
  ./scripts/deps.sh
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j"$(nproc 2>/dev/null || echo 2)"
fi
for p in master postern postconf postalias qmgr local; do
  [ -x "$bin/$p" ] || die "build/bin/$p is missing; the build did not finish"
done
have() { [ -x "$bin/$1" ]; }

# Who runs the instance. As root: the postern system user and the postdrop
# group (created when missing), mail delivered as each recipient; as an
# ordinary user: everything runs as that user.
if [ "$(id -u)" -eq 0 ]; then
  if ! getent group postdrop >/dev/null; then
    groupadd --system postdrop
    say "created the system group postdrop"
  fi
  if ! getent passwd postern >/dev/null; then
    useradd --system --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin --user-group postern
    say "created the system user postern"
  fi
  mail_owner=postern
  setgid_group=postdrop
  default_privs=nobody
  owner_user=root
else
  mail_owner=$(id -un)
  setgid_group=$(id -gn)
  default_privs=$mail_owner
  owner_user=$mail_owner
fi

# The instance's files.
mkdir -p "$conf" "$run/queue" "$run/data" "$run/mail"
chmod 0755 "$run" "$conf" "$run/queue"
if [ "$(id -u)" -eq 0 ]; then
  chown "$mail_owner:$mail_owner" "$run/data"
  chmod 1777 "$run/mail"     # each recipient creates its own Maildir, as /tmp
fi
[ -f "$conf/master.cf" ] || cp conf/master.cf "$conf/master.cf"
[ -f "$conf/main.cf" ] || cp conf/main.cf "$conf/main.cf"
if [ ! -f "$conf/aliases" ]; then
  # local uses the alias table once per recipient (docs/LOCAL.md), so
  # "postmaster: root" would not reach a "root:" alias: the stock entries
  # naming root or postmaster name the instance's owner directly.
  sed -E "s/^([^#][^:]*:[[:space:]]*)(root|postmaster)[[:space:]]*$/\1$owner_user/" conf/aliases >"$conf/aliases"
  {
    echo
    echo "# Development instance (scripts/start.sh): the sample user's mail"
    echo "# goes to a Maildir under $run/mail."
    [ "$owner_user" = root ] || echo "root: $owner_user"
    echo "sample: $run/mail/sample/"
  } >>"$conf/aliases"
fi

# The SMTP listener: Postfix's "smtp inet" line, moved to 127.0.0.1:PORT
# (also when a previous run used another port).
sed -i -E "/[[:space:]]smtpd[[:space:]]*\$/ s/^(smtp|127\.0\.0\.1:[0-9]+)([[:space:]]+inet[[:space:]])/127.0.0.1:$port\2/" "$conf/master.cf"
# Submission (docs/SUBMISSION.md): 587 and 465 become high loopback ports;
# a master.cf from before submission existed gets the two lines.
if have submission; then
  if ! grep -qE "^(submission|127\.0\.0\.1:[0-9]+)[[:space:]]+inet[[:space:]].*[[:space:]]submission[[:space:]]*\$" "$conf/master.cf"; then
    printf 'submission inet n       -       n       -       -       submission\n' >>"$conf/master.cf"
    printf 'submissions inet n      -       n       -       -       submission\n  -o smtpd_tls_wrappermode=yes\n' >>"$conf/master.cf"
  fi
  sed -i -E "s/^submission([[:space:]]+inet[[:space:]])/127.0.0.1:$sub_port\1/; s/^submissions([[:space:]]+inet[[:space:]])/127.0.0.1:$subs_port\1/" "$conf/master.cf"
fi
# cleanup is public (Postfix's master.cf): its clients connect to
# public/cleanup. Undo the private column an earlier start.sh set.
sed -i -E 's/^(cleanup[[:space:]]+unix[[:space:]]+)-([[:space:]])/\1n\2/' "$conf/master.cf"

"$bin/postconf" -c "$conf" -e \
  "queue_directory=$run/queue" \
  "data_directory=$run/data" \
  "daemon_directory=$bin" \
  "command_directory=$bin" \
  "maillog_file=$run/maillog" \
  "maillog_file_prefixes=/var, /dev/stdout, $run" \
  "mail_owner=$mail_owner" \
  "setgid_group=$setgid_group" \
  "default_privs=$default_privs" \
  "inet_interfaces=127.0.0.1" \
  "inet_protocols=ipv4" \
  "mydestination=\$myhostname, localhost, $domain" \
  "home_mailbox=" \
  "mail_spool_directory=$run/mail/" \
  "recipient_delimiter=+" \
  "alias_maps=hash:$conf/aliases" \
  "alias_database=hash:$conf/aliases"
"$bin/postalias" -c "$conf" "$conf/aliases"

# TLS: a self-signed P-256 certificate for the instance's host name (SAN),
# made once under run/conf/tls/; STARTTLS offered (level may), one log line
# per TLS session. A main.cf that names its own certificate is left alone.
tls_dir="$conf/tls"
tls_host=$("$bin/postconf" -c "$conf" -xh myhostname)
if [ ! -s "$tls_dir/cert.pem" ] || [ ! -s "$tls_dir/key.pem" ]; then
  mkdir -p "$tls_dir"
  chmod 0755 "$tls_dir"
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tls_dir/key.pem" -out "$tls_dir/cert.pem" -days 825 \
    -subj "/CN=$tls_host" -addext "subjectAltName=DNS:$tls_host" >"$tls_dir/openssl.log" 2>&1) \
    || die "openssl could not make the instance certificate (see $tls_dir/openssl.log)"
  chmod 0644 "$tls_dir/cert.pem"
  say "made a self-signed certificate for $tls_host in $tls_dir"
fi
if [ -z "$("$bin/postconf" -c "$conf" -nh smtpd_tls_cert_file 2>/dev/null)" ] \
   || [ "$("$bin/postconf" -c "$conf" -nh smtpd_tls_cert_file)" = "$tls_dir/cert.pem" ]; then
  "$bin/postconf" -c "$conf" -e \
    "smtpd_tls_cert_file=$tls_dir/cert.pem" \
    "smtpd_tls_key_file=$tls_dir/key.pem" \
    "smtpd_tls_security_level=may" \
    "smtpd_tls_loglevel=1"
fi

# Submission logins: Postern's auth service with a passwd-file holding the
# user "sample" (password "sample-password"), made once; a main.cf that
# chose its own SASL setup is left alone.
if have submission && have auth && have postpasswd; then
  if [ ! -s "$conf/passwd" ]; then
    "$bin/postpasswd" -u sample -p sample-password >"$conf/passwd" \
      || die "postpasswd could not make $conf/passwd"
    say "made $conf/passwd with the login sample / sample-password"
  fi
  # readable by the auth service (mail_owner's group), by nobody else
  chgrp "$(id -gn "$mail_owner")" "$conf/passwd"
  chmod 0640 "$conf/passwd"
  if [ -z "$("$bin/postconf" -c "$conf" -nh smtpd_sasl_type 2>/dev/null)" ]; then
    "$bin/postconf" -c "$conf" -e "smtpd_sasl_type=dovecot" "smtpd_sasl_path=private/auth" \
      "auth_passwd_file=$conf/passwd"
  fi
fi

if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null \
   && ! runuser -u "$mail_owner" -- test -r "$conf/main.cf"; then
  die "the user $mail_owner cannot reach $conf (a parent directory is not searchable); put the checkout where other users can read it"
fi

export MAIL_CONFIG="$conf"
if "$bin/postern" -c "$conf" status >/dev/null 2>&1; then
  "$bin/postern" -c "$conf" reload
  say "the instance was already running; it reloaded its configuration (./scripts/stop.sh && ./scripts/start.sh restarts it)"
else
  "$bin/postern" -c "$conf" check || die "postern check failed (see above and $run/maillog)"
  # start repeats check's warnings: show its output only when it fails
  if ! "$bin/postern" -c "$conf" start >"$run/start.out" 2>&1; then
    cat "$run/start.out" >&2
    die "postern start failed (see $run/maillog)"
  fi
  say "started the Postern mail system ($("$bin/postern" -c "$conf" status 2>&1 | tail -1))"
fi

smtp_ok=0
if have smtpd; then
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then smtp_ok=1; break; fi
    sleep 0.1
  done
  [ "$smtp_ok" = 1 ] || die "nothing answers on 127.0.0.1:$port (see $run/maillog)"
fi

sendmail_ok=0
if have sendmail && have pickup && have cleanup; then sendmail_ok=1; fi
me=$owner_user

cat <<EOF

Postern development instance: configuration $conf, queue $run/queue,
log $run/maillog. Local domains: $("$bin/postconf" -c "$conf" -xh mydestination).
Every local user's mail lands in the Maildir $run/mail/USER/ (new/ holds
new messages); the alias "sample" delivers to $run/mail/sample/,
"root" and "postmaster" to $me's Maildir.

EOF
if [ "$smtp_ok" = 1 ]; then
  cat <<EOF
SMTP on 127.0.0.1:$port:
  swaks --server 127.0.0.1:$port --to sample@$domain --from you@example.org
    (swaks: ./scripts/deps.sh swaks)
EOF
else
  echo "SMTP: not available yet (smtpd is not in this checkout's build); nothing listens on 127.0.0.1:$port."
fi
if have submission && [ "$smtp_ok" = 1 ]; then
  cat <<EOF
Submission (STARTTLS on 127.0.0.1:$sub_port, implicit TLS on 127.0.0.1:$subs_port):
  swaks --server 127.0.0.1:$sub_port --tls --auth LOGIN --auth-user sample \\
    --auth-password sample-password --from sample@$domain --to $me@localhost
EOF
fi
if [ "$sendmail_ok" = 1 ]; then
  cat <<EOF
sendmail (maildrop -> pickup -> cleanup -> qmgr -> local):
  printf 'Subject: hello\n\nfirst message\n' | build/bin/sendmail -C $conf sample@$domain
  printf 'To: $me@localhost\nSubject: hi\n\nbody\n' | build/bin/sendmail -C $conf -t
Then: ls $run/mail/sample/new/   and   tail $run/maillog
Queue: build/bin/postqueue -c $conf -p
EOF
else
  missing=""
  for p in sendmail pickup cleanup; do have "$p" || missing="$missing $p"; done
  echo "sendmail: not available yet (missing in the build:$missing); no message can be submitted."
  echo "What runs: master, qmgr and local (postern -c $conf status; tail $run/maillog)."
fi
echo "Stop: ./scripts/stop.sh"
