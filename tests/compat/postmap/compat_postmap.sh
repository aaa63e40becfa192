#!/usr/bin/env bash
# compat_postmap.sh - Postern's postmap/postalias against Postfix's on the
# same tricky sources: answers of "-q" per key and of "-q -" must match,
# and each must read the other's .db files (hash and btree).
# Usage: compat_postmap.sh BIN_DIR SOURCE_DIR
# Installs Postfix when missing (scripts/deps.sh postfix); when that is not
# possible it exits 77 (skip), or fails when CI=true.
set -uo pipefail
bin=$1
srcdir=$2
PF_POSTMAP=/usr/sbin/postmap
PF_POSTALIAS=/usr/sbin/postalias

if [ ! -x "$PF_POSTMAP" ]; then
  if ! "$srcdir/scripts/deps.sh" postfix >/dev/null 2>&1 || [ ! -x "$PF_POSTMAP" ]; then
    if [ "${CI:-}" = true ]; then
      echo "FAIL: Postfix's postmap is missing and cannot be installed" >&2
      exit 1
    fi
    echo "SKIP: Postfix's postmap is missing and cannot be installed (not root, no sudo)"
    exit 77
  fi
fi

tmp=$(mktemp -d /tmp/compat_postmap.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/pf" "$tmp/pt"
: > "$tmp/pf/main.cf"
printf 'default_database_type = hash\n' > "$tmp/pt/main.cf"
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

pf_postmap() { "$PF_POSTMAP" -c "$tmp/pf" "$@"; }
pt_postmap() { "$bin/postmap" -c "$tmp/pt" "$@"; }
pf_postalias() { "$PF_POSTALIAS" -c "$tmp/pf" "$@"; }
pt_postalias() { "$bin/postalias" -c "$tmp/pt" "$@"; }

# The source: case, white space, .domain keys, duplicates, comments,
# continuation lines, CRLF lines, malformed lines, no final newline.
printf '%b' \
  'Foo   Bar  \n' \
  'foo second\n' \
  'UPPER@Example.COM  MixedCase Value\n' \
  '# comment\n' \
  '   # indented comment\n' \
  '\n' \
  '.example.com  dom\n' \
  'example.com\tOK\n' \
  'cont first\n' \
  '  second line\n' \
  '\tthird\n' \
  'crlf value\r\n' \
  'crlf2   spaced value  \r\n' \
  '"quoted key" qv\n' \
  'user@domain.tld   relay:[mx.example.net]:587\n' \
  'keyonly\n' \
  'emptyval   \n' \
  'a=b  c=d # not a comment\n' \
  'gap x\n' \
  '\n' \
  '# between\n' \
  '  y\n' \
  'DUP 1\n' \
  'dup 2\n' \
  'last nofinal' > "$tmp/source"

keys=(foo FOO Foo upper@example.com UPPER@EXAMPLE.COM .example.com
      example.com cont crlf crlf2 '"quoted key"' 'quoted key' user@domain.tld
      keyonly emptyval a=b gap dup DUP last missing '#' comment)
printf '%s\n' "${keys[@]}" > "$tmp/keys"

compare_queries() {  # $1: label, $2 $3: commands, $4: map for each
  local label=$1 a=$2 b=$3 map_a=$4 map_b=$5 k out_a out_b rc_a rc_b
  for k in "${keys[@]}"; do
    out_a=$($a -q "$k" "$map_a" 2>/dev/null); rc_a=$?
    out_b=$($b -q "$k" "$map_b" 2>/dev/null); rc_b=$?
    [ "$out_a" = "$out_b" ] && [ "$rc_a" = "$rc_b" ] ||
      fail "$label -q '$k': '$out_a' ($rc_a) vs '$out_b' ($rc_b)"
  done
  out_a=$($a -q - "$map_a" < "$tmp/keys" 2>/dev/null); rc_a=$?
  out_b=$($b -q - "$map_b" < "$tmp/keys" 2>/dev/null); rc_b=$?
  [ "$out_a" = "$out_b" ] && [ "$rc_a" = "$rc_b" ] ||
    fail "$label -q -: output differs:"$'\n'"$out_a"$'\n---\n'"$out_b"
}

for type in hash btree; do
  cp "$tmp/source" "$tmp/pf/table"
  cp "$tmp/source" "$tmp/pt/table"
  pf_postmap "$type:$tmp/pf/table" 2>/dev/null || fail "Postfix postmap $type build"
  pt_postmap "$type:$tmp/pt/table" 2>"$tmp/pt/warnings" || fail "Postern postmap $type build"
  grep -q 'line 2: duplicate entry: "foo"' "$tmp/pt/warnings" || fail "no duplicate warning"
  grep -q 'line 16: expected format' "$tmp/pt/warnings" || fail "no format warning"
  # same answers from each tool on its own file
  compare_queries "$type own" pf_postmap pt_postmap "$type:$tmp/pf/table" "$type:$tmp/pt/table"
  # cross-reading: Postfix reads Postern's file and Postern reads Postfix's
  compare_queries "$type Postfix-reads-Postern" pf_postmap pf_postmap "$type:$tmp/pf/table" "$type:$tmp/pt/table"
  compare_queries "$type Postern-reads-Postfix" pt_postmap pt_postmap "$type:$tmp/pt/table" "$type:$tmp/pf/table"
  [ "$(pf_postmap -s "$type:$tmp/pt/table" | sort)" = "$(pt_postmap -s "$type:$tmp/pf/table" | sort)" ] ||
    fail "$type -s listings differ"
  # -n (no NUL) files cross-read too
  pt_postmap -n "$type:$tmp/pt/table" 2>/dev/null
  compare_queries "$type -n Postfix-reads-Postern" pf_postmap pf_postmap "$type:$tmp/pf/table" "$type:$tmp/pt/table"
  rm -f "$tmp"/p?/table.db
done

# texthash: Postern's in-memory table answers like Postfix's hash file.
cp "$tmp/source" "$tmp/pf/table"
cp "$tmp/source" "$tmp/pt/table"
pf_postmap "hash:$tmp/pf/table" 2>/dev/null
compare_queries "texthash" pf_postmap pt_postmap "hash:$tmp/pf/table" "texthash:$tmp/pt/table"

# Aliases.
printf '%b' \
  'Root: Admin, "|/bin/cmd arg", /var/file\n' \
  'Postmaster:root\n' \
  '"Quoted Name": x\n' \
  'inc: :include:/etc/list\n' \
  'cont: a,\n' \
  '  b,\n' \
  '\tc\n' \
  'root: dup\n' \
  'bad line\n' \
  'empty:\n' \
  'user@dom: x\n' \
  'sp: p   q , r\n' \
  'bs: \\\\root, \\\\\\\\user\n' \
  'crlf: x\r\n' \
  'addr: Foo Bar<f@b>,a@ dom , x (comment)\n' \
  'last: nofinal' > "$tmp/aliases"
keys=(root ROOT postmaster '"quoted name"' 'quoted name' inc cont bad empty
      user@dom sp bs crlf addr last @ missing)
printf '%s\n' "${keys[@]}" > "$tmp/keys"
cp "$tmp/aliases" "$tmp/pf/aliases"
cp "$tmp/aliases" "$tmp/pt/aliases"
pf_postalias "hash:$tmp/pf/aliases" 2>/dev/null || fail "Postfix postalias build"
pt_postalias "hash:$tmp/pt/aliases" 2>/dev/null || fail "Postern postalias build"
compare_queries "aliases own" pf_postalias pt_postalias "hash:$tmp/pf/aliases" "hash:$tmp/pt/aliases"
compare_queries "aliases Postfix-reads-Postern" pf_postalias pf_postalias "hash:$tmp/pf/aliases" "hash:$tmp/pt/aliases"
[ "$(pf_postalias -s "hash:$tmp/pf/aliases" | grep -v '^YP_' | sort)" = \
  "$(pt_postalias -s "hash:$tmp/pt/aliases" | sort)" ] || fail "aliases -s listings differ"

if [ "$fails" -ne 0 ]; then
  echo "compat_postmap: $fails failure(s)"
  exit 1
fi
echo "compat_postmap: all answers match Postfix"
exit 0
