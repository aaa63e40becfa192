#!/usr/bin/env bash
# compat_postconf.sh - Postern's postconf against Postfix's on the same
# configuration: standard output of -M (Postfix's own master.cf.proto and
# our samples), -n, -x on values with every expansion form, and the -d
# default of every parameter both know, except those listed with a reason
# in compat_defaults.txt. Standard error differs by design (Postern also
# names parameters it does not implement) and is not compared.
# Usage: compat_postconf.sh BIN_DIR SOURCE_DIR
# Installs Postfix when missing (scripts/deps.sh postfix); when that is not
# possible it exits 77 (skip), or fails when CI=true.
set -uo pipefail
bin=$1
srcdir=$2
here=$srcdir/cli/postconf/tests
PF=/usr/sbin/postconf

if [ ! -x "$PF" ]; then
  if ! "$srcdir/scripts/deps.sh" postfix >/dev/null 2>&1 || [ ! -x "$PF" ]; then
    if [ "${CI:-}" = true ]; then
      echo "FAIL: Postfix's postconf is missing and cannot be installed" >&2
      exit 1
    fi
    echo "SKIP: Postfix's postconf is missing and cannot be installed (not root, no sudo)"
    exit 77
  fi
fi

tmp=$(mktemp -d /tmp/compat_postconf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# same DIR ARGS...: both programs' standard output must be identical.
same() {
  local dir=$1; shift
  "$PF" -c "$dir" "$@" > "$tmp/pf.out" 2>/dev/null
  "$bin/postconf" -c "$dir" "$@" > "$tmp/pt.out" 2>/dev/null
  if ! diff -u "$tmp/pf.out" "$tmp/pt.out" > "$tmp/diff"; then
    fail "postconf -c $dir $*: output differs (- Postfix, + Postern)"
    head -40 "$tmp/diff" >&2
  fi
}

# -M on master.cf files.
mkdir "$tmp/m"
: > "$tmp/m/main.cf"
for f in /etc/postfix/master.cf.proto "$here/data/sample/master.cf" "$srcdir/conf/master.cf"; do
  [ -f "$f" ] || continue
  cp "$f" "$tmp/m/master.cf"
  same "$tmp/m" -M
done
cat > "$tmp/m/master.cf" <<'MCF'
submission inet n - n - - smtpd
  -o syslog_name=postfix/submission -o { smtpd_tls_security_level = encrypt }
  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }
very-long-service-name unix-dgram - n n 1000? 0 pipe flags=R argv=/bin/x ${user}
127.0.0.1:10025 inet n - n - - smtpd -o content_filter= -o myhostname=x
MCF
same "$tmp/m" -M
same "$tmp/m" -M submission very-long-service-name/unix-dgram

# -n and -x on the sample main.cf, and on expansion forms.
mkdir "$tmp/n"
cp "$here/data/sample/main.cf" "$here/data/sample/master.cf" "$tmp/n/"
same "$tmp/n" -n
same "$tmp/n" -x mydestination myorigin relay_domains mynetworks_style smtputf8_enable
cat > "$tmp/n/main.cf" <<'MAINCF'
mail_name = Postfix
myhostname = mx.example.com
relayhost = [${{x} == {x} ? {eq} : {ne}}|${{x} != {y} ? {ne}}|${{10} < {9} ? {lt} : {ge}}]
myorigin = ${{3.6} <level {3.10} ? {lvl} : {nolvl}}|${{02} == {2} ? {n} : {s}}|${{a} == {a}}|${{a} == {b}}
mydestination = $myhostname, ${mydomain}, $(mail_name), ${relayhost?{set}:{unset}},
    ${nothing:empty}, ${nothing?x}, $$literal, cost 5$$ and more
smtpd_banner = ${{$mail_name} == {Postfix} ? {pf}}${myhostname?yes}${nothing:{no}}
inet_interfaces = 127.0.0.1,
  ::1
MAINCF
same "$tmp/n" -x relayhost myorigin mydestination smtpd_banner inet_interfaces mydomain
same "$tmp/n" -n
same "$tmp/n" -h relayhost mydestination

# -d: every parameter both know, minus the documented differences.
mkdir "$tmp/d"
: > "$tmp/d/main.cf"
"$PF" -d -c "$tmp/d" 2>/dev/null | sed 's/ = .*//; s/ =$//' | sort > "$tmp/pf.names"
"$bin/postconf" -d -c "$tmp/d" 2>/dev/null | sed 's/ = .*//; s/ =$//' | sort > "$tmp/pt.names"
grep -v '^#' "$here/compat_defaults.txt" | awk 'NF { print $1 }' | sort > "$tmp/skip"
comm -12 "$tmp/pf.names" "$tmp/pt.names" | comm -23 - "$tmp/skip" > "$tmp/both"
count=$(wc -l < "$tmp/both")
[ "$count" -gt 200 ] || fail "only $count parameters in common"
# shellcheck disable=SC2046
same "$tmp/d" -d $(cat "$tmp/both")
# the computed defaults follow myhostname the same way
printf 'myhostname = a.b.example\n' > "$tmp/d/main.cf"
same "$tmp/d" -x mydomain mydestination myorigin
printf 'myhostname = nodots\n' > "$tmp/d/main.cf"
same "$tmp/d" -x mydomain

if [ "$fails" -ne 0 ]; then
  echo "compat_postconf: $fails difference(s)"
  exit 1
fi
echo "compat_postconf: $count defaults and every listing match Postfix"
