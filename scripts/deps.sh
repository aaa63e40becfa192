#!/usr/bin/env bash
# deps.sh - install the Debian packages Postern builds and tests with.
# Does nothing when everything is already installed. Runs apt-get directly
# as root, through sudo otherwise. Extra package names may be given as
# arguments (tests that need a reference server pass theirs).
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libssl-dev libdb-dev libsasl2-dev libgdbm-dev libpcre2-dev
  libcmocka-dev python3 openssl
  libc-ares-dev   # DNS lookups (lib/dns)
  libcrypt-dev libsasl2-modules   # passdb (libxcrypt) and the auth mechanisms
  swaks pflogsumm   # clients and log analyser the integration tests use
  sasl2-bin         # saslpasswd2: the Cyrus sasldb of the SMTP AUTH tests
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "deps.sh: missing packages (${missing[*]}) and not root; install them or run as root" >&2
  exit 1
fi
# Postfix asks questions on install unless preseeded.
if printf '%s\n' "${missing[@]}" | grep -qx postfix; then
  echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
