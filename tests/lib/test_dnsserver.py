#!/usr/bin/env python3
"""test_dnsserver.py - tests of dnsserver.py itself, with raw DNS packets:
answers, NXDOMAIN vs NODATA, CNAME chains (followed and not), null MX,
SERVFAIL for one type, REFUSED, no answer, TC over UDP and the whole
answer over TCP, FORMERR for garbage, case-insensitive names, the JSON
zone form, ::1, bad zone files, and the script form (port file, exit
after its maximum lifetime and when its parent dies)."""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnsserver  # noqa: E402

FAILURES = []
ZONE = """# test zone
a.test      A     127.0.0.1
a.test      AAAA  ::1
mx.test     MX    10 a.test
null.test   MX    0 .
alias.test  CNAME A.Test.
lazy.test   CNAME a.test
lazy.test   NOCHASE
half.test   A     127.0.0.2
half.test   SERVFAIL MX
ref.test    REFUSED
slow.test   TIMEOUT
txt.test    TXT   "one " "two"
deep.sub.test A   127.0.0.3
"""


def check(cond, what):
    if not cond:
        FAILURES.append(what)


def query(port, name, qtype, tcp=False, family=socket.AF_INET, host="127.0.0.1",
          raw=None, qid=0x4242):
    q = raw if raw is not None else (
        struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
        + b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
        + struct.pack("!HH", qtype, 1))
    if tcp:
        with socket.create_connection((host, port), timeout=2) as s:
            s.sendall(struct.pack("!H", len(q)) + q)
            head = s.recv(2, socket.MSG_WAITALL)
            return s.recv(struct.unpack("!H", head)[0], socket.MSG_WAITALL)
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(0.7)
        s.sendto(q, (host, port))
        try:
            return s.recv(4096)
        except socket.timeout:
            return None


def parse(reply):
    """(id, rcode, tc, aa, [(name, type, rdata)])"""
    qid, flags, qd, an = struct.unpack("!HHHH", reply[:8])
    pos = 12
    for _ in range(qd):
        _, pos = dnsserver.read_name(reply, pos)
        pos += 4
    rrs = []
    for _ in range(an):
        name, pos = dnsserver.read_name(reply, pos)
        rtype, _, _, rdlen = struct.unpack("!HHIH", reply[pos:pos + 10])
        pos += 10
        rrs.append((name, rtype, reply[pos:pos + rdlen]))
        pos += rdlen
    return qid, flags & 0xF, bool(flags & 0x200), bool(flags & 0x400), rrs


def answers_cases(port, host="127.0.0.1", family=socket.AF_INET, ent=False):
    qid, rcode, tc, aa, rrs = parse(query(port, "A.TEST", 1, family=family, host=host))
    check(qid == 0x4242 and rcode == 0 and aa and not tc, "A answer header")
    check(rrs == [("a.test", 1, bytes([127, 0, 0, 1]))], "A answer")
    _, rcode, _, _, rrs = parse(query(port, "nx.test", 1, host=host, family=family))
    check(rcode == 3 and rrs == [], "NXDOMAIN")
    if ent:
        _, rcode, _, _, rrs = parse(query(port, "sub.test", 1, host=host, family=family))
        check(rcode == 0 and rrs == [], "empty non-terminal is NODATA")
    _, rcode, _, _, rrs = parse(query(port, "a.test", 16, host=host, family=family))
    check(rcode == 0 and rrs == [], "NODATA")


def run_server_cases(zone_path):
    srv = dnsserver.DnsServer(zone_path, log_path=zone_path + ".log", max_lifetime=60)
    srv.start()
    try:
        port = srv.port
        answers_cases(port, ent=True)
        _, _, _, _, rrs = parse(query(port, "mx.test", 15))
        check(rrs == [("mx.test", 15, b"\0\x0a\x01a\x04test\0")], "MX answer")
        _, _, _, _, rrs = parse(query(port, "null.test", 15))
        check(rrs == [("null.test", 15, b"\0\0\0")], "null MX")
        _, rcode, _, _, rrs = parse(query(port, "alias.test", 1))
        check(rcode == 0 and [r[1] for r in rrs] == [5, 1], "CNAME followed")
        _, rcode, _, _, rrs = parse(query(port, "lazy.test", 1))
        check(rcode == 0 and [r[1] for r in rrs] == [5], "NOCHASE: CNAME alone")
        _, rcode, _, _, _ = parse(query(port, "half.test", 15))
        check(rcode == 2, "SERVFAIL for MX")
        _, rcode, _, _, rrs = parse(query(port, "half.test", 1))
        check(rcode == 0 and len(rrs) == 1, "A of half.test still answered")
        _, rcode, _, _, _ = parse(query(port, "ref.test", 1))
        check(rcode == 5, "REFUSED")
        check(query(port, "slow.test", 1) is None, "TIMEOUT: no answer")
        _, _, _, _, rrs = parse(query(port, "txt.test", 16))
        check(rrs == [("txt.test", 16, b"\x04one \x03two")], "TXT strings")
        garbage = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\x05ab"
        qid, rcode, _, _, _ = parse(query(port, "", 1, raw=garbage))
        check(qid == 7 and rcode == 1, "FORMERR for a truncated question")
        check(query(port, "", 1, raw=b"\x01\x02") is None, "short packet ignored")
        with open(zone_path + ".log") as f:
            log = f.read()
        check("udp a.test A\n" in log, "query log")
    finally:
        srv.stop()


def big_zone_cases(tmp):
    path = os.path.join(tmp, "big.txt")
    with open(path, "w") as f:
        for i in range(20):
            f.write('big.test TXT "%s"\n' % ("%02d" % i * 20))
        f.write("long.test TXT %s\n" % ("x" * 600))
    srv = dnsserver.DnsServer(path, max_lifetime=60)
    srv.start()
    try:
        _, rcode, tc, _, rrs = parse(query(srv.port, "big.test", 16))
        check(tc and rcode == 0 and rrs == [], "UDP answer over 512 bytes: TC, no records")
        _, rcode, tc, _, rrs = parse(query(srv.port, "big.test", 16, tcp=True))
        check(not tc and len(rrs) == 20, "TCP: the whole answer")
        _, _, _, _, rrs = parse(query(srv.port, "long.test", 16, tcp=True))
        check([len(s) for s in split_txt(rrs[0][2])] == [255, 255, 90],
              "long TXT word split into strings of 255")
    finally:
        srv.stop()


def split_txt(rdata):
    out, pos = [], 0
    while pos < len(rdata):
        out.append(rdata[pos + 1:pos + 1 + rdata[pos]])
        pos += 1 + rdata[pos]
    return out


def json_and_ipv6_cases(tmp):
    path = os.path.join(tmp, "zone.json")
    with open(path, "w") as f:
        f.write('{"records": [["a.test", "A", "127.0.0.1"], ["a.test", "AAAA", "::1"],'
                ' ["slow.test", "TIMEOUT"]]}')
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        ipv6 = True
    except OSError:
        ipv6 = False
    srv = dnsserver.DnsServer(path, ipv6=ipv6, max_lifetime=60)
    srv.start()
    try:
        answers_cases(srv.port)
        if ipv6:
            answers_cases(srv.port, host="::1", family=socket.AF_INET6)
    finally:
        srv.stop()


def bad_zone_cases(tmp):
    for text in ["a.test A 300.1.1.1\n", "a.test MX 10\n", "a.test WKS x\n",
                 "a.test\n", "a..test A 127.0.0.1\n", "a.test SERVFAIL NOPE\n",
                 "%s.test A 127.0.0.1\n" % ("x" * 64)]:
        path = os.path.join(tmp, "bad.txt")
        with open(path, "w") as f:
            f.write(text)
        try:
            dnsserver.load_zone(path)
            check(False, "bad zone accepted: %r" % text)
        except dnsserver.ZoneError:
            pass
    path = os.path.join(tmp, "bad.json")
    with open(path, "w") as f:
        f.write('{"records": [["a.test"]]}')
    try:
        dnsserver.load_zone(path)
        check(False, "bad JSON zone accepted")
    except dnsserver.ZoneError:
        pass


def gone(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            return "\nState:\tZ" in f.read()
    except FileNotFoundError:
        return True


def wait_gone(pid, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if gone(pid):
            return True
        time.sleep(0.1)
    return False


def script_cases(tmp, zone_path):
    script = os.path.join(HERE, "dnsserver.py")
    port_file = os.path.join(tmp, "port")
    p = subprocess.Popen([sys.executable, script, "-z", zone_path, "-p", port_file,
                          "-t", "2"], stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        with open(port_file) as f:
            port = int(f.read())
        check(line == "port %d\n" % port, "script prints its port")
        answers_cases(port)
        check(p.wait(timeout=10) == 0, "script exits after its maximum lifetime")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    # parent death: a shell starts the server in the background and exits
    # a second later
    sh = subprocess.run(["/bin/sh", "-c", '"$0" "$1" -z "$2" -t 60 >/dev/null 2>&1 </dev/null & echo $!; sleep 1',
                         sys.executable, script, zone_path],
                        capture_output=True, text=True, timeout=10)
    pid = int(sh.stdout.strip())
    check(wait_gone(pid, 10), "script exits when its parent is gone")
    bad = subprocess.run([sys.executable, script, "-z", os.path.join(tmp, "missing")],
                         capture_output=True, text=True, timeout=10)
    check(bad.returncode == 2 and "dnsserver:" in bad.stderr, "missing zone: status 2")


def main():
    with tempfile.TemporaryDirectory(prefix="dnsserver.") as tmp:
        zone_path = os.path.join(tmp, "zone.txt")
        with open(zone_path, "w") as f:
            f.write(ZONE)
        run_server_cases(zone_path)
        big_zone_cases(tmp)
        json_and_ipv6_cases(tmp)
        bad_zone_cases(tmp)
        script_cases(tmp, zone_path)
    for f in FAILURES:
        print("FAIL:", f)
    print("test_dnsserver: %s" % ("%d failures" % len(FAILURES) if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
