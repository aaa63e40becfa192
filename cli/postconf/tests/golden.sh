#!/bin/sh
# golden.sh - golden-file tests for postconf.
# Usage: golden.sh POSTCONF DATADIR
# For each DATADIR/NAME.in: copies DATADIR/sample/ to a fresh directory,
# runs every line of NAME.in as "postconf -c DIR LINE" (a line "@main.cf"
# prints the edited main.cf instead, "@append TEXT" and "@append-master
# TEXT" add a line to main.cf or master.cf), prints each run's stdout, stderr and
# exit status, replaces the directory name with DIR, and compares the
# result with NAME.ref. Set GOLDEN_UPDATE=1 to rewrite the .ref files.
set -u
postconf=$1
data=$2
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/postconf-golden.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

for input in "$data"/*.in; do
    name=$(basename "$input" .in)
    dir="$work/$name"
    mkdir -p "$dir" && cp "$data"/sample/* "$dir"/ || exit 1
    out="$work/$name.out"
    : > "$out"
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
        ''|'#'*) continue ;;
        @main.cf) echo "== main.cf" >> "$out"; cat "$dir/main.cf" >> "$out"; continue ;;
        @append-master\ *) echo "${line#@append-master }" >> "$dir/master.cf"; continue ;;
        @append\ *) echo "${line#@append }" >> "$dir/main.cf"; continue ;;
        esac
        echo "== postconf $line" >> "$out"
        eval "set -- $line"
        "$postconf" -c "$dir" "$@" >> "$out" 2>&1
        echo "exit $?" >> "$out"
    done < "$input"
    sed -i "s|$dir|DIR|g" "$out"
    if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$out" "$data/$name.ref"
    elif ! diff -u "$data/$name.ref" "$out"; then
        echo "golden: $name: output differs from $name.ref"
        failed=$((failed + 1))
    fi
done
[ "$failed" -eq 0 ] && echo "golden: all cases match"
exit "$failed"
