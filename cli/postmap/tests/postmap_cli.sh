#!/usr/bin/env bash
# postmap_cli.sh - postmap/postalias/newaliases behaviour that needs no
# reference implementation: strict builds (-S) leave the old table alone,
# -i, -d, -w/-r, -p, -N/-n, exit codes, newaliases and alias_database.
# Usage: postmap_cli.sh BIN_DIR
set -uo pipefail
bin=$1
tmp=$(mktemp -d /tmp/postmap_cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
printf 'default_database_type = btree\nalias_database = hash:%s/aliases, gdbm:%s/aliases2\n' \
  "$tmp" "$tmp" > main.cf
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
pm() { "$bin/postmap" -c "$tmp" "$@"; }
pa() { "$bin/postalias" -c "$tmp" "$@"; }
expect() {  # expect WANT_OUTPUT WANT_RC command...
  local want=$1 want_rc=$2 out rc; shift 2
  out=$("$@" 2>/dev/null); rc=$?
  [ "$out" = "$want" ] && [ "$rc" = "$want_rc" ] ||
    fail "$*: got '$out' ($rc), want '$want' ($want_rc)"
}

# default type from main.cf (btree), file mode from the source
printf 'a 1\nB 2\n' > t; chmod 640 t
pm t || fail "build"
[ -f t.db ] || fail "no t.db"
[ "$(stat -c %a t.db)" = 640 ] || fail "mode $(stat -c %a t.db), want 640"
expect 1 0 pm -q A t
expect 2 0 pm -q b btree:t
expect "" 1 pm -q c t
expect "" 1 pm -q a hash:t                       # no such file: error
pm -p t && [ "$(stat -c %a t.db)" = 644 ] || fail "-p mode"

# strict: a malformed line fails the build and keeps the old table
printf 'a new\nmalformed\n' > t
expect "" 1 pm -S t
expect 1 0 pm -q a t
ls t.tmp.* >/dev/null 2>&1 && fail "temporary file left behind"
err=$(pm -S t 2>&1)
case $err in *"t, line 2: expected format"*) ;; *) fail "strict message: $err" ;; esac
pm t 2>/dev/null || fail "non-strict build with a bad line"
expect new 0 pm -q a t

# NUL byte, overlong line: skipped (strict: fail)
printf 'a 1\nb\0x 2\nc 3\n' > t
pm t 2>/dev/null; expect 3 0 pm -q c t; expect "" 1 pm -q b t
expect "" 1 pm -S t

# duplicates: first wins and warns; -w silent; -r last wins
printf 'k first\nK second\n' > t
err=$(pm t 2>&1)
case $err in *'t, line 2: duplicate entry: "k"'*) ;; *) fail "dup warning: $err" ;; esac
expect first 0 pm -q k t
[ -z "$(pm -w t 2>&1)" ] || fail "-w not silent"
pm -r t 2>/dev/null; expect second 0 pm -q k t

# -i adds from stdin, -d deletes, -q - / -d - read keys from stdin
printf 'x 1\n' > t; pm t
printf 'y 2\nZ 3\n' | pm -i t || fail "-i"
expect "$(printf 'x\t1\ny\t2\nz\t3')" 0 sh -c "printf 'x\ny\nz\nnone\n' | '$bin/postmap' -c '$tmp' -q - t"
expect "" 1 sh -c "printf 'none\n' | '$bin/postmap' -c '$tmp' -q - t"
expect "" 0 pm -d y t
expect "" 1 pm -d y t
expect "" 1 pm -q y t
expect "" 0 sh -c "printf 'x\nnone\n' | '$bin/postmap' -c '$tmp' -d - t"
expect "z	3" 0 pm -s t
printf 'ok 1\nbad\n' | pm -i -S t 2>/dev/null && fail "-i -S accepted a bad line"
expect "" 1 pm -q ok t

# -N / -n / -f
printf 'Key v\n' > t
pm -n t; expect v 0 pm -q key t; expect "" 1 pm -N -q key t
pm -N t; expect v 0 pm -q key t; expect "" 1 pm -n -q key t
pm -f t; expect "" 1 pm -q key t; expect v 0 pm -f -q Key t

# texthash and gdbm
expect v 0 pm -q KEY texthash:t
pm gdbm:t && [ -f t.gdbm ] || fail "gdbm build"
expect v 0 pm -q key gdbm:t

# postalias and newaliases (alias_database from main.cf)
printf 'Root: admin\npostmaster: root\n' > aliases
printf 'other: x\n' > aliases2
pa hash:aliases || fail "postalias"
expect admin 0 pa -q ROOT hash:aliases
expect @ 0 pa -q @ hash:aliases
rm -f aliases.db
"$bin/newaliases" -c "$tmp" || fail "newaliases"
expect admin 0 pa -q root hash:aliases
expect x 0 pa -q other gdbm:aliases2
expect "root:	admin" 0 sh -c "printf 'root\n' | '$bin/postalias' -c '$tmp' -q - hash:aliases"

# as root: builds run as the source file's owner, unless -o
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  chmod 755 "$tmp" && mkdir owned && chmod 777 owned
  printf 'a 1\n' > owned/t && chown nobody owned/t
  pm owned/t || fail "build as nobody"
  [ "$(stat -c %U owned/t.db)" = nobody ] || fail "owner $(stat -c %U owned/t.db), want nobody"
  pm -o owned/t || fail "build with -o"
  [ "$(stat -c %U owned/t.db)" = root ] || fail "-o: owner $(stat -c %U owned/t.db), want root"
fi

# usage errors
expect "" 1 pm
expect "" 1 pm -q a -s t

if [ "$fails" -ne 0 ]; then echo "postmap_cli: $fails failure(s)"; exit 1; fi
echo "postmap_cli: ok"
