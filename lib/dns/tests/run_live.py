#!/usr/bin/env python3
"""run_live.py ZONE PROGRAM - runs the lib/dns live test PROGRAM against
tests/lib/dnsserver.py serving ZONE on a free loopback port (127.0.0.1
and ::1 when the host has IPv6 loopback). PROGRAM gets the server as
DNSTEST_SERVER ("127.0.0.1:PORT") and the query log path as DNSTEST_LOG;
its exit status is ours. The server stops when we do."""
import os
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "..", "tests", "lib")))
import dnsserver  # noqa: E402


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def main(zone, program):
    with tempfile.TemporaryDirectory(prefix="dnstest.") as tmp:
        log = os.path.join(tmp, "queries.log")
        ipv6 = has_ipv6_loopback()
        srv = dnsserver.DnsServer(zone, ipv6=ipv6, log_path=log, max_lifetime=110)
        srv.start()
        env = dict(os.environ, DNSTEST_SERVER="127.0.0.1:%d" % srv.port,
                   DNSTEST_LOG=log, DNSTEST_IPV6="1" if ipv6 else "0")
        try:
            return subprocess.run([program], env=env, timeout=100).returncode
        finally:
            srv.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
