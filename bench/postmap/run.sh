#!/usr/bin/env bash
# bench/postmap/run.sh - Postern's postmap against Postfix's, side by side:
# build a hash table from an N-line source (default 1,000,000) and answer N
# lookups with "postmap -q - < keys" (90% hits, 10% misses, shuffled);
# the source lines are in random order.
# Runs alternate between the two tools; each figure is the median of
# ROUNDS runs (default 3). Prints seconds and the ratio Postfix/Postern
# (above 1 means Postern is faster). Not part of ctest.
# Usage: bench/postmap/run.sh [BIN_DIR]   (default: build/bin)
# Environment: N, ROUNDS, TYPE (hash or btree), KEEP=1 keeps the work dir.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/bin}
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
TYPE=${TYPE:-hash}
PF=/usr/sbin/postmap
[ -x "$bin/postmap" ] || { echo "no $bin/postmap; build first" >&2; exit 1; }
[ -x "$PF" ] || ./scripts/deps.sh postfix
work=$(mktemp -d /tmp/bench_postmap.XXXXXX)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir "$work/pf" "$work/pt"
: > "$work/pf/main.cf"
printf 'default_database_type = %s\n' "$TYPE" > "$work/pt/main.cf"

echo "generating $N entries and $N lookup keys in $work"
python3 - "$N" "$work" <<'PY'
import random, sys
n, work = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(42)
order = list(range(n))
rnd.shuffle(order)        # sources are rarely sorted
with open(work + "/source", "w") as f:
    for i in order:
        f.write("user%07d@Domain%d.example\trelay:[mx%d.example.net]:25 %d\n"
                % (i, i % 997, i % 89, i))
keys = []
for _ in range(n):
    i = rnd.randrange(n)
    if rnd.random() < 0.9:
        keys.append("user%07d@domain%d.example" % (i, i % 997))
    else:
        keys.append("nobody%07d@nowhere.example" % i)
with open(work + "/keys", "w") as f:
    f.write("\n".join(keys) + "\n")
PY
cp "$work/source" "$work/pf/table"
cp "$work/source" "$work/pt/table"

# Runs a command; prints "WALL CPU" seconds (CPU = user + system of the
# child), so that the figures stay meaningful on a loaded machine.
timed() {  # stdin_file stdout_file command...
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
stdin, stdout, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
subprocess.run(cmd, stdin=open(stdin), stdout=open(stdout, "w"), check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f" % (time.monotonic() - t0, r.ru_utime + r.ru_stime))
PY
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_build() {  # $1: postmap binary, $2: config dir
  timed /dev/null /dev/null "$1" -c "$2" "$TYPE:$2/table"
}

run_query() {
  timed "$work/keys" "$2/answers" "$1" -c "$2" -q - "$TYPE:$2/table"
}

pt_build=() pf_build=() pt_query=() pf_query=()
pt_build_cpu=() pf_build_cpu=() pt_query_cpu=() pf_query_cpu=()
for r in $(seq "$ROUNDS"); do
  read -r w c < <(run_build "$bin/postmap" "$work/pt"); pt_build+=("$w"); pt_build_cpu+=("$c")
  read -r w c < <(run_build "$PF" "$work/pf"); pf_build+=("$w"); pf_build_cpu+=("$c")
  read -r w c < <(run_query "$PF" "$work/pf"); pf_query+=("$w"); pf_query_cpu+=("$c")
  read -r w c < <(run_query "$bin/postmap" "$work/pt"); pt_query+=("$w"); pt_query_cpu+=("$c")
  echo "round $r: build postern ${pt_build[-1]}s (cpu ${pt_build_cpu[-1]}s) postfix ${pf_build[-1]}s (cpu ${pf_build_cpu[-1]}s);" \
       "query postern ${pt_query[-1]}s (cpu ${pt_query_cpu[-1]}s) postfix ${pf_query[-1]}s (cpu ${pf_query_cpu[-1]}s)"
done
cmp -s "$work/pt/answers" "$work/pf/answers" || { echo "ANSWERS DIFFER" >&2; exit 1; }

ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
line() {  # label, postern runs (name), postfix runs (name)
  local -n a=$2 b=$3
  local m_pt m_pf
  m_pt=$(median "${a[@]}") m_pf=$(median "${b[@]}")
  printf '  %-10s %8ss postern %8ss postfix  ratio %s\n' "$1" "$m_pt" "$m_pf" "$(ratio "$m_pf" "$m_pt")"
}
echo "postmap $TYPE, $N entries, $N lookups, median of $ROUNDS (ratio = postfix/postern, >1: postern faster)"
line "build" pt_build pf_build
line "build cpu" pt_build_cpu pf_build_cpu
line "query" pt_query pf_query
line "query cpu" pt_query_cpu pf_query_cpu
