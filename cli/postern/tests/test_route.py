#!/usr/bin/env python3
"""test_route.py BIN_DIR - "postern route" against tests/lib/dnsserver.py:
MX order (preference, then the hosts of one preference in any order),
an MX host without addresses, implicit MX, null MX, NXDOMAIN, SERVFAIL,
[bracketed] next hops from transport_maps, relayhost, the error
transport, a transport's master.cf -o options, local delivery (no DNS), inet_protocols, several addresses in
one call, exit statuses, and the usage error."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
import dnsserver  # noqa: E402

FAILURES = []


def check(cond, what, out=""):
    if not cond:
        FAILURES.append("%s\n--- output:\n%s" % (what, out))


def write_config(conf, port, extra=""):
    os.makedirs(conf, exist_ok=True)
    with open(os.path.join(SRC, "conf", "master.cf"), encoding="utf-8") as f:
        master = f.read()
    master += ("relay6    unix  -       -       n       -       -       smtp\n"
               "    -o smtp_address_preference=$relay6_preference\n")
    with open(os.path.join(conf, "master.cf"), "w", encoding="utf-8") as f:
        f.write(master)
    with open(os.path.join(conf, "main.cf"), "w", encoding="ascii") as f:
        f.write("myhostname = mail.route.test\n"
                "mydestination = $myhostname, localhost\n"
                "inet_interfaces = loopback-only\n"
                "dns_nameservers = 127.0.0.1:%d\n"
                "transport_maps = texthash:%s/transport\n"
                "smtp_address_preference = ipv4\n"
                "relay6_preference = ipv6\n%s" % (port, conf, extra))
    with open(os.path.join(conf, "transport"), "w", encoding="ascii") as f:
        f.write("corp.test smtp:[127.0.0.1]:2525\n"
                "gone.test error:mailbox gone\n"
                "lazy.test relay:relay.test\n"
                "six.test relay6:implicit.test\n")


def route(bin_dir, conf, *addrs):
    p = subprocess.run([os.path.join(bin_dir, "postern"), "-c", conf, "route", *addrs],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def main(bin_dir):
    with tempfile.TemporaryDirectory(prefix="route.") as tmp:
        srv = dnsserver.DnsServer(os.path.join(HERE, "route_zone.txt"), max_lifetime=100)
        srv.start()
        try:
            run_cases(bin_dir, tmp, srv.port)
        finally:
            srv.stop()
    if FAILURES:
        print("\n\n".join(FAILURES))
        print("test_route: %d failures" % len(FAILURES))
        return 1
    print("test_route: ok")
    return 0


def run_cases(bin_dir, tmp, port):
    conf = os.path.join(tmp, "conf")
    write_config(conf, port)

    rc, out = route(bin_dir, conf, "User@Multi.TEST")
    check(rc == 0, "multi.test routable", out)
    check("User@Multi.TEST: class=default transport=smtp nexthop=multi.test "
          "recipient=User@multi.test" in out, "multi.test resolve line", out)
    tried = re.findall(r"^  (\d+)\. (\S+)\[(\S+)\]:25 \(MX (\d+)\)$", out, re.M)
    check([t[1:] for t in tried[:2]] == [("first.multi.test", "127.0.0.4", "5"),
                                         ("first.multi.test", "::1", "5")],
          "preference 5 first, IPv4 first", out)
    check(sorted(t[1] for t in tried[2:]) == ["a.multi.test", "b.multi.test"],
          "then the two hosts of preference 10", out)
    check(re.search(r"^  -  none\.multi\.test \(MX 20\): "
                    r"Name service error for name=none\.multi\.test type=A: Host not found$",
                    out, re.M), "MX host without address listed with its reason", out)

    rc, out = route(bin_dir, conf, "u@implicit.test")
    check(rc == 0 and "1. implicit.test[127.0.0.10]:25 (implicit MX)" in out
          and "2. implicit.test[::10]:25 (implicit MX)" in out, "implicit MX", out)

    rc, out = route(bin_dir, conf, "u@null.test")
    check(rc == 1 and "  bounced: Domain null.test does not accept mail (nullMX)" in out,
          "null MX", out)
    rc, out = route(bin_dir, conf, "u@nx.test")
    check(rc == 1 and "  bounced: Host or domain name not found. Name service error "
          "for name=nx.test type=A: Host not found" in out, "NXDOMAIN", out)
    rc, out = route(bin_dir, conf, "u@servfail.test")
    check(rc == 1 and "  deferred: Host or domain name not found. Name service error "
          "for name=servfail.test type=MX: Host not found, try again" in out,
          "SERVFAIL", out)

    rc, out = route(bin_dir, conf, "u@corp.test")
    check(rc == 0 and "transport=smtp nexthop=[127.0.0.1]:2525" in out
          and "1. 127.0.0.1[127.0.0.1]:2525 (no MX lookup)" in out,
          "bracketed next hop from transport_maps", out)
    rc, out = route(bin_dir, conf, "u@lazy.test")
    check(rc == 0 and "transport=relay nexthop=relay.test" in out
          and "1. relay.test[127.0.0.60]:25 (implicit MX)" in out,
          "relay transport runs smtp (master.cf)", out)
    rc, out = route(bin_dir, conf, "u@six.test")
    check(rc == 0 and "transport=relay6 nexthop=implicit.test" in out
          and "1. implicit.test[::10]:25 (implicit MX)" in out
          and "2. implicit.test[127.0.0.10]:25 (implicit MX)" in out,
          "master.cf -o smtp_address_preference of the transport (expanded)", out)
    rc, out = route(bin_dir, conf, "u@gone.test")
    check(rc == 1 and "transport=error nexthop=mailbox gone" in out, "error transport", out)
    rc, out = route(bin_dir, conf, "root@localhost")
    check(rc == 0 and "class=local transport=local" in out and "[" not in out.split("\n", 1)[1],
          "local recipient: no DNS", out)

    rc, out = route(bin_dir, conf, "a@implicit.test", "b@null.test", "c@localhost")
    check(rc == 1 and out.count(": class=") == 3, "several addresses, one fails", out)

    conf4 = os.path.join(tmp, "conf4")
    write_config(conf4, port, "inet_protocols = ipv4\nrelayhost = relay.test\n")
    rc, out = route(bin_dir, conf4, "u@implicit.test")
    check(rc == 0 and "transport=smtp nexthop=relay.test" in out
          and "1. relay.test[127.0.0.60]:25" in out and "::" not in out,
          "relayhost, IPv4 only", out)
    confn = os.path.join(tmp, "confn")
    write_config(confn, port, "inet_protocols = ipv4\nsmtp_host_lookup = native\n"
                 "disable_dns_lookups = yes\n")
    rc, out = route(bin_dir, confn, "u@[127.0.0.7]")
    check(rc == 0 and "1. 127.0.0.7[127.0.0.7]:25 (no MX lookup)" in out,
          "address literal with native lookups", out)

    rc, out = route(bin_dir, conf)
    check(rc == 2 and "usage" in out, "usage error without address", out)
    bad = os.path.join(tmp, "bad")
    write_config(bad, port, "dns_nameservers = nowhere\n")
    rc, out = route(bin_dir, bad, "u@multi.test")
    check(rc == 1 and "bad dns_nameservers entry" in out, "bad dns_nameservers", out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
