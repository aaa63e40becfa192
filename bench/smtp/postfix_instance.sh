#!/usr/bin/env bash
# postfix_instance.sh - a scratch Postfix (Debian's 3.7) for comparisons:
#   postfix_instance.sh create DIR PORT HOLD_PORT   write DIR/etc, DIR/spool
#   postfix_instance.sh start|stop|reset DIR        reset: stopped + queue/Maildirs emptied
# Listeners on 127.0.0.1:PORT (normal) and 127.0.0.1:HOLD_PORT (every
# message to the hold queue: acceptance without delivery). Virtual
# mailboxes in Maildir under DIR/mail for the domain bench.test
# (user1..user20), delivered as the postfix user. Postfix defaults
# otherwise (in_flow_delay 1s, fsync of queue files and Maildir files).
# Needs root (postfix runs as root); exit 1 on any failure.
set -euo pipefail
cmd=$1 dir=$2
etc="$dir/etc" spool="$dir/spool"
pf() { postfix -c "$etc" "$@"; }

case "$cmd" in
create)
  port=$3 hold=$4
  mkdir -p "$etc" "$spool" "$dir/data" "$dir/mail"
  chmod 0755 "$dir"
  cp /etc/postfix/master.cf.proto "$etc/master.cf"
  cp /etc/postfix/dynamicmaps.cf "$etc/" 2>/dev/null || true
  cp -r /etc/postfix/dynamicmaps.cf.d "$etc/" 2>/dev/null || true
  : >"$etc/main.cf"
  chown postfix:postfix "$dir/mail" "$dir/data"
  uid=$(id -u postfix) gid=$(id -g postfix)
  for i in $(seq 1 20); do echo "user$i@bench.test bench.test/user$i/"; done >"$etc/vmailbox"
  postconf -c "$etc" -e \
    "compatibility_level=3.6" \
    "queue_directory=$spool" "data_directory=$dir/data" \
    "mail_owner=postfix" "setgid_group=postdrop" \
    "myhostname=postfix.bench.test" "mydestination=localhost" \
    "inet_interfaces=127.0.0.1" "inet_protocols=ipv4" \
    "mynetworks=127.0.0.0/8" \
    "alias_maps=" "alias_database=" \
    "maillog_file=$dir/maillog" "maillog_file_prefixes=/var, /dev/stdout, $dir" \
    "virtual_mailbox_domains=bench.test" "virtual_mailbox_base=$dir/mail" \
    "virtual_mailbox_maps=hash:$etc/vmailbox" \
    "virtual_uid_maps=static:$uid" "virtual_gid_maps=static:$gid" \
    "virtual_minimum_uid=1" \
    "smtpd_relay_restrictions=permit_mynetworks, reject_unauth_destination"
  postmap -c "$etc" "$etc/vmailbox"
  # chroot off, the smtp inet line on our ports, the hold variant
  sed -i -E 's/^(smtp +inet +n +- +)y/\1n/; s/^([a-z]+ +unix +[-n] +[-n] +)y/\1n/' "$etc/master.cf"
  sed -i -E "s/^smtp( +inet .*)$/127.0.0.1:$port\\1\n127.0.0.1:$hold\\1\n  -o smtpd_client_restrictions=check_client_access,static:HOLD/" "$etc/master.cf"
  pf set-permissions >/dev/null 2>&1 || pf check
  ;;
start) pf start ;;
stop) pf stop 2>/dev/null || true ;;
reset)
  pf stop 2>/dev/null || true
  for q in maildrop incoming active deferred hold corrupt bounce defer trace; do
    find "$spool/$q" -type f -delete 2>/dev/null || true
  done
  rm -rf "$dir/mail/bench.test"
  ;;
*) echo "usage: $0 create DIR PORT HOLD_PORT | start|stop|reset DIR" >&2; exit 1 ;;
esac
