#!/usr/bin/env python3
"""dnsserver.py - a small authoritative DNS server for Postern's tests.

Pure Python standard library. It binds 127.0.0.1 (and ::1 when asked) on
one free port chosen by the operating system, for UDP and TCP, and answers
from a zone given as a text or JSON file:

  text, one record a line ('#' comments, names case-insensitive, a
  trailing dot optional):
      example.test        MX    10 mx1.example.test
      nullmx.test         MX    0 .
      mx1.example.test    A     127.0.0.1
      mx1.example.test    AAAA  ::1
      txt.test            TXT   "v=spf1 -all" "a second string"
      long.test           TXT   <a word longer than 255 bytes is split>
      alias.test          CNAME mx1.example.test
      1.0.0.127.in-addr.arpa PTR mx1.example.test
      broken.test         SERVFAIL [TYPE]     answer SERVFAIL
      slow.test           TIMEOUT  [TYPE]     never answer
      refused.test        REFUSED  [TYPE]     answer REFUSED
      lazy.test           NOCHASE             answer its CNAME alone (the
                                              client must ask for the target)
  JSON: {"records": [["example.test", "MX", "10 mx1.example.test"], ...]}
  with the same types (SERVFAIL, TIMEOUT and REFUSED lines included).

Answers: records of the asked type (AA set); CNAME chains inside the zone
are followed (at most 8 links); a name that owns nothing and has nothing
below it is NXDOMAIN; an existing name without records of the asked type
is NODATA (NOERROR, no answers). Over UDP an answer longer than 512 bytes
is replaced by a header with TC set and the question only, so clients
must retry over TCP. Each query is logged as "udp|tcp NAME TYPE" to the
log file when one is given (tests use it to see the TCP fallback).

The server stops when its parent process dies, after max_lifetime
seconds, or when stop() is called.

As a module:
    srv = DnsServer(zone_path, ipv6=False, log_path=None, max_lifetime=300)
    srv.start(); port = srv.port; ...; srv.stop()
As a script:
    dnsserver.py -z ZONE [-6] [-l LOG] [-p PORTFILE] [-t MAX_LIFETIME]
prints "port N" on standard output once it serves (and writes N to
PORTFILE when given).

Errors in the zone file raise ZoneError (script: exit status 2).
"""
import argparse
import json
import os
import selectors
import shlex
import socket
import struct
import sys
import threading
import time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "ANY": 255}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
ACTIONS = ("SERVFAIL", "TIMEOUT", "REFUSED")
RCODE_NOERROR, RCODE_FORMERR, RCODE_SERVFAIL, RCODE_NXDOMAIN = 0, 1, 2, 3
RCODE_NOTIMP, RCODE_REFUSED = 4, 5
UDP_LIMIT = 512
MAX_CNAME_LINKS = 8
TTL = 60


class ZoneError(Exception):
    pass


def norm_name(name):
    name = name.strip().lower()
    if name.endswith(".") and name != ".":
        name = name[:-1]
    return "" if name == "." else name


def encode_name(name):
    out = b""
    if name:
        for label in name.split("."):
            raw = label.encode("ascii")
            if not raw or len(raw) > 63:
                raise ZoneError("bad label in name %r" % name)
            out += bytes([len(raw)]) + raw
    if len(out) + 1 > 255:
        raise ZoneError("name too long: %r" % name)
    return out + b"\0"


def txt_strings(words):
    """Character strings of one TXT record; a word over 255 bytes is split."""
    out = []
    for w in words:
        raw = w.encode("utf-8")
        if not raw:
            out.append(b"")
        while raw:
            out.append(raw[:255])
            raw = raw[255:]
    return out


def encode_rdata(rtype, data):
    words = shlex.split(data) if rtype == "TXT" else data.split()
    try:
        if rtype == "A":
            return socket.inet_pton(socket.AF_INET, words[0])
        if rtype == "AAAA":
            return socket.inet_pton(socket.AF_INET6, words[0])
        if rtype in ("CNAME", "PTR", "NS"):
            return encode_name(norm_name(words[0]))
        if rtype == "MX":
            pref = int(words[0])
            if not 0 <= pref <= 65535 or len(words) != 2:
                raise ValueError("bad MX")
            return struct.pack("!H", pref) + encode_name(norm_name(words[1]))
        if rtype == "TXT":
            return b"".join(bytes([len(s)]) + s for s in txt_strings(words))
    except (IndexError, ValueError, OSError) as e:
        raise ZoneError("bad %s data %r: %s" % (rtype, data, e))
    raise ZoneError("unsupported type %s" % rtype)


class Zone:
    """Records by (name, type) and special actions by name."""

    def __init__(self):
        self.records = {}      # (name, type number) -> [rdata bytes]
        self.names = set()     # owners, and every ancestor of an owner
        self.owners = set()
        self.actions = {}      # name -> [(action, type number or None)]
        self.nochase = set()   # CNAME owners whose target is not followed

    def add(self, name, rtype, data):
        name = norm_name(name)
        rtype = rtype.upper()
        encode_name(name)
        if rtype == "NOCHASE":
            self.nochase.add(name)
            return
        if rtype in ACTIONS:
            qtype = TYPES.get(data.strip().upper()) if data.strip() else None
            if data.strip() and qtype is None:
                raise ZoneError("unknown type %r for %s" % (data, rtype))
            self.actions.setdefault(name, []).append((rtype, qtype))
        elif rtype in TYPES and rtype != "ANY":
            rdata = encode_rdata(rtype, data)
            self.records.setdefault((name, TYPES[rtype]), []).append(rdata)
        else:
            raise ZoneError("unsupported type %s" % rtype)
        self.owners.add(name)
        parts = name.split(".")
        for i in range(len(parts)):
            self.names.add(".".join(parts[i:]))

    def action_for(self, name, qtype):
        for action, t in self.actions.get(name, []):
            if t is None or t == qtype:
                return action
        return None


def load_zone(path):
    zone = Zone()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".json"):
        try:
            doc = json.loads(text)
            for rec in doc.get("records", []):
                name, rtype = rec[0], rec[1]
                zone.add(name, rtype, rec[2] if len(rec) > 2 else "")
        except (ValueError, TypeError, IndexError, KeyError, AttributeError) as e:
            raise ZoneError("%s: %s" % (path, e))
        return zone
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(None, 2)
        if len(fields) < 2:
            raise ZoneError("%s, line %d: need NAME TYPE DATA" % (path, number))
        try:
            zone.add(fields[0], fields[1], fields[2] if len(fields) > 2 else "")
        except ZoneError as e:
            raise ZoneError("%s, line %d: %s" % (path, number, e))
    return zone


def read_name(msg, pos):
    """Decodes a (possibly compressed) name; returns (name, next position)."""
    labels, jumps, end = [], 0, None
    while True:
        if pos >= len(msg):
            raise ValueError("name past end")
        n = msg[pos]
        if n & 0xC0 == 0xC0:
            if pos + 1 >= len(msg) or jumps > 16:
                raise ValueError("bad pointer")
            if end is None:
                end = pos + 2
            pos = ((n & 0x3F) << 8) | msg[pos + 1]
            jumps += 1
            continue
        if n & 0xC0:
            raise ValueError("bad label type")
        if n == 0:
            return ".".join(labels).lower(), (end if end is not None else pos + 1)
        labels.append(msg[pos + 1:pos + 1 + n].decode("latin-1"))
        pos += 1 + n


def build_rr(name, rtype, rdata):
    return encode_name(name) + struct.pack("!HHIH", rtype, 1, TTL, len(rdata)) + rdata


def answer_records(zone, qname, qtype):
    """Returns (rcode, [rr bytes]) by the authoritative lookup rules."""
    rrs, name = [], qname
    for _ in range(MAX_CNAME_LINKS + 1):
        if qtype == TYPES["ANY"]:
            found = [(t, d) for (n, t), ds in zone.records.items() if n == name for d in ds]
            rrs += [build_rr(name, t, d) for t, d in found]
            break
        direct = zone.records.get((name, qtype))
        if direct:
            rrs += [build_rr(name, qtype, d) for d in direct]
            break
        cname = zone.records.get((name, TYPES["CNAME"]))
        if not cname:
            if name not in zone.names and (not rrs or name_in_zone(zone, name)):
                return RCODE_NXDOMAIN, rrs
            break
        rrs.append(build_rr(name, TYPES["CNAME"], cname[0]))
        if name in zone.nochase:
            break
        name, _ = read_name(cname[0], 0)
    return RCODE_NOERROR, rrs


def name_in_zone(zone, name):
    """True when some owner shares name's parent domain (we are authoritative)."""
    parent = name.split(".", 1)[1] if "." in name else ""
    return parent in zone.names


def handle_query(zone, query, transport, log):
    """Returns the reply bytes, or None for no answer (TIMEOUT action)."""
    if len(query) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000:
        return None
    rd = flags & 0x0100
    opcode = (flags >> 11) & 0xF
    try:
        if qdcount != 1:
            raise ValueError("qdcount")
        qname, pos = read_name(query, 12)
        qtype, qclass = struct.unpack("!HH", query[pos:pos + 4])
        question = query[12:pos + 4]
    except (ValueError, struct.error):
        return struct.pack("!HHHHHH", qid, 0x8000 | rd | RCODE_FORMERR, 0, 0, 0, 0)
    log("%s %s %s" % (transport, qname, TYPE_NAMES.get(qtype, str(qtype))))
    if opcode != 0:
        rcode, rrs = RCODE_NOTIMP, []
    else:
        action = zone.action_for(qname, qtype)
        if action == "TIMEOUT":
            return None
        if action == "SERVFAIL":
            rcode, rrs = RCODE_SERVFAIL, []
        elif action == "REFUSED":
            rcode, rrs = RCODE_REFUSED, []
        elif qclass != 1:
            rcode, rrs = RCODE_REFUSED, []
        else:
            rcode, rrs = answer_records(zone, qname, qtype)
    aa = 0x0400 if rcode in (RCODE_NOERROR, RCODE_NXDOMAIN) else 0
    header = struct.pack("!HHHHHH", qid, 0x8000 | aa | rd | rcode, 1, len(rrs), 0, 0)
    reply = header + question + b"".join(rrs)
    if transport == "udp" and len(reply) > UDP_LIMIT:
        header = struct.pack("!HHHHHH", qid, 0x8000 | aa | 0x0200 | rd | rcode, 1, 0, 0, 0)
        reply = header + question
    return reply


class DnsServer:
    """The server; start() returns once it listens, port holds its port."""

    def __init__(self, zone_path, ipv6=False, log_path=None, max_lifetime=300):
        self.zone = load_zone(zone_path)
        self.ipv6 = ipv6
        self.log_path = log_path
        self.max_lifetime = max_lifetime
        self.port = None
        self._socks = []
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()
        self._parent = os.getppid()

    def _log(self, line):
        if not self.log_path:
            return
        with self._lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def _bind(self):
        for _ in range(50):
            socks = []
            try:
                udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(udp)
                udp.bind(("127.0.0.1", 0))
                port = udp.getsockname()[1]
                socks.append(self._tcp(socket.AF_INET, "127.0.0.1", port))
                if self.ipv6:
                    udp6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                    socks.append(udp6)
                    udp6.bind(("::1", port))
                    socks.append(self._tcp(socket.AF_INET6, "::1", port))
                self._socks, self.port = socks, port
                return
            except OSError:
                for s in socks:
                    s.close()
        raise OSError("dnsserver: no free port for UDP and TCP together")

    @staticmethod
    def _tcp(family, host, port):
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
            s.listen(16)
        except OSError:
            s.close()
            raise
        return s

    def start(self):
        self._bind()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self.port

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        for s in self._socks:
            s.close()
        self._socks = []

    def serve_forever(self):
        self._bind()
        self._serve()

    def _serve(self):
        sel = selectors.DefaultSelector()
        for s in self._socks:
            sel.register(s, selectors.EVENT_READ)
        deadline = time.monotonic() + self.max_lifetime
        while not self._stop.is_set() and time.monotonic() < deadline:
            if os.getppid() != self._parent:
                break
            for key, _ in sel.select(0.2):
                s = key.fileobj
                if s.type == socket.SOCK_DGRAM:
                    self._serve_udp(s)
                else:
                    self._serve_tcp(s)
        sel.close()

    def _serve_udp(self, s):
        try:
            query, peer = s.recvfrom(4096)
        except OSError:
            return
        reply = handle_query(self.zone, query, "udp", self._log)
        if reply is not None:
            try:
                s.sendto(reply, peer)
            except OSError:
                pass

    def _serve_tcp(self, listener):
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=self._tcp_conn, args=(conn,), daemon=True).start()

    def _tcp_conn(self, conn):
        """Answers queries on one connection until it closes (10 s idle)."""
        conn.settimeout(10)
        try:
            for _ in range(100):
                head = _recv_exact(conn, 2)
                if head is None:
                    return
                query = _recv_exact(conn, struct.unpack("!H", head)[0])
                if query is None:
                    return
                reply = handle_query(self.zone, query, "tcp", self._log)
                if reply is not None:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            pass
        finally:
            conn.close()


def _recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main(argv):
    p = argparse.ArgumentParser(description="authoritative DNS server for tests")
    p.add_argument("-z", "--zone", required=True)
    p.add_argument("-6", "--ipv6", action="store_true", help="also bind ::1")
    p.add_argument("-l", "--log", help="append one line per query to this file")
    p.add_argument("-p", "--port-file", help="write the port number here")
    p.add_argument("-t", "--max-lifetime", type=float, default=300)
    args = p.parse_args(argv)
    try:
        srv = DnsServer(args.zone, args.ipv6, args.log, args.max_lifetime)
    except (ZoneError, OSError) as e:
        print("dnsserver: %s" % e, file=sys.stderr)
        return 2
    srv._bind()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % srv.port)
        os.rename(tmp, args.port_file)
    print("port %d" % srv.port, flush=True)
    srv._serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
