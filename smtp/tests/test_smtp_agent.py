#!/usr/bin/env python3
"""The smtp delivery agent on a started instance, against fake SMTP
servers of fake_smtpd.py reached through transport_maps with
[127.0.0.1]:PORT next hops.

Checks: a message is sent (Postfix's log line with relay=, delays=a/b/c/d,
dsn=2.0.0 and the server's reply; content and envelope arrive; MAIL, RCPT
and DATA come as one pipelined group; SIZE= and BODY=8BITMIME go out);
a 4xx RCPT reply defers, a 5xx bounces (with a DSN to the sender); a
refused connection defers with "connect to ...: Connection refused" and
relay=none; a server that refuses EHLO gets HELO; a server whose SIZE
limit is too small makes the message bounce before MAIL (5.3.4); two
messages in a row to one next hop share one connection (RSET between);
STARTTLS at level may (TLS used when offered; a failed handshake is
retried in plaintext on a new connection) and encrypt (deferred when the
server does not offer it; a transport of its own with -o in master.cf);
MX lookups through tests/lib/dnsserver.py (dns_nameservers): the
preferred MX refuses the connection and the next one gets the mail, a
domain without MX gets it at its A record, a null MX bounces at once
(5.1.10), an unknown domain bounces (5.4.4); a relay that requires
STARTTLS and AUTH gets both (AUTH PLAIN with the password from
smtp_sasl_password_maps, looked up by "[host]:port"), a wrong password
defers with the server's reply.

usage: test_smtp_agent.py BIN_DIR
"""
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "mail_path"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "lib"))
import dnsserver  # noqa: E402
from fake_smtpd import FakeSMTPD  # noqa: E402
from mail_instance import MailInstance  # noqa: E402
from postern_instance import free_port  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def log_line(inst, rcpt, timeout=30):
    m = inst.wait_for_log(r"(\w+): to=<%s>, relay=([^,]+), delay=[\d.]+, "
                          r"delays=[\d.]+/[\d.]+/[\d.]+/[\d.]+, dsn=(\d\.\d+\.\d+), "
                          r"status=(\w+) \((.*)\)" % re.escape(rcpt), timeout=timeout)
    return m


def test_sent(inst, good):
    body = b"Subject: agent test\n\n.leading dot\nline two \xc3\xa9\n"
    inst.send(["-f", "sender@localhost", "alice@good.test"], body)
    m = log_line(inst, "alice@good.test")
    if not check(m is not None, "sent: a log line for alice@good.test"):
        print("\n".join(l for l in inst.log_text().splitlines() if "fatal" in l or "error" in l)[:3000])
        return
    relay = "127.0.0.1[127.0.0.1]:%d" % good.port
    check(m.group(2) == relay, "sent: relay=%s (%s)" % (relay, m.group(2)))
    check(m.group(3) == "2.0.0" and m.group(4) == "sent", "sent: dsn=2.0.0 status=sent")
    check(re.fullmatch(r"250 2\.0\.0 Ok: queued as FAKE\d+", m.group(5)) is not None,
          "sent: the server's reply in parentheses (%s)" % m.group(5))
    msgs = [x for x in good.messages if b"agent test" in x["content"]]
    if not check(len(msgs) == 1, "sent: the server got the message once"):
        return
    msg = msgs[0]
    check(msg["mail"].startswith("MAIL FROM:<sender@localhost>"), "sent: envelope sender")
    check(" SIZE=" in msg["mail"] and " BODY=8BITMIME" in msg["mail"],
          "sent: SIZE= and BODY=8BITMIME on MAIL FROM (%s)" % msg["mail"])
    check(msg["rcpts"][0].startswith("RCPT TO:<alice@good.test>"), "sent: envelope recipient")
    check(b"\r\n.leading dot\r\nline two \xc3\xa9\r\n" in msg["content"],
          "sent: content intact after dot-stuffing and CRLF (%r)" % msg["content"][-60:])
    check(any(b.count("MAIL") == 1 and "RCPT" in b and "DATA" in b
              for s in good.sessions for b in s["batches"]),
          "sent: MAIL, RCPT and DATA arrived as one pipelined group")


def test_defer_and_bounce(inst):
    inst.send(["-f", "sender@localhost", "defer1@good.test"], b"Subject: d\n\nx\n")
    m = log_line(inst, "defer1@good.test")
    check(m is not None and m.group(4) == "deferred" and m.group(3) == "4.2.0"
          and "said: 450 4.2.0 <defer1@good.test>" in m.group(5)
          and m.group(5).endswith("(in reply to RCPT TO command)"),
          "4xx to RCPT: deferred with the server's reply (%s)" % (m.group(0) if m else None))
    inst.send(["-f", inst.user + "@localhost", "bounce1@good.test"], b"Subject: b\n\nx\n")
    m = log_line(inst, "bounce1@good.test")
    check(m is not None and m.group(4) == "bounced" and m.group(3) == "5.1.1"
          and m.group(5).startswith("host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <bounce1@good.test>"),
          "5xx to RCPT: bounced with the server's reply (%s)" % (m.group(0) if m else None))
    dsn = inst.wait_for_messages(1)
    check(any(b"bounce1@good.test" in raw for raw in dsn), "5xx: a DSN reached the sender")


def test_refused(inst, closed):
    inst.send(["-f", "sender@localhost", "x@closed.test"], b"Subject: c\n\nx\n")
    m = log_line(inst, "x@closed.test")
    want = "connect to 127.0.0.1[127.0.0.1]:%d: Connection refused" % closed
    check(m is not None and m.group(2) == "none" and m.group(4) == "deferred"
          and m.group(3) == "4.4.1" and m.group(5) == want,
          "connection refused: deferred, relay=none (%s)" % (m.group(0) if m else None))


def test_helo(inst, helo):
    inst.send(["-f", "sender@localhost", "h@helo.test"], b"Subject: h\n\nx\n")
    m = log_line(inst, "h@helo.test")
    check(m is not None and m.group(4) == "sent", "EHLO refused: sent after HELO")
    cmds = [c.split(" ")[0] for s in helo.sessions for c in s["commands"]]
    check(cmds[:2] == ["EHLO", "HELO"], "EHLO refused: the client said HELO next (%s)" % cmds[:4])


def test_size(inst, small):
    inst.send(["-f", "sender@localhost", "s@small.test"], b"Subject: big\n\n" + b"x" * 500 + b"\n")
    m = log_line(inst, "s@small.test")
    check(m is not None and m.group(4) == "bounced" and m.group(3) == "5.3.4"
          and re.fullmatch(r"message size \d+ exceeds size limit 100 of server "
                           r"127\.0\.0\.1\[127\.0\.0\.1\]", m.group(5)) is not None,
          "SIZE too small: bounced at once (%s)" % (m.group(0) if m else None))
    check(not any(c.startswith("MAIL") for s in small.sessions for c in s["commands"]),
          "SIZE too small: no MAIL FROM was sent")


def test_reuse(inst, reuse):
    for n in (1, 2):
        inst.send(["-f", "sender@localhost", "r%d@reuse.test" % n], b"Subject: r\n\nx\n")
        m = log_line(inst, "r%d@reuse.test" % n)
        check(m is not None and m.group(4) == "sent", "reuse: message %d sent" % n)
    check(len(reuse.sessions) == 1 and len(reuse.messages) == 2
          and "RSET" in [c.split(" ")[0] for c in reuse.sessions[0]["commands"]],
          "reuse: one connection, two transactions, RSET between (%d sessions)"
          % len(reuse.sessions))


def tls_context(workdir):
    """A server context with a throw-away self-signed certificate."""
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=fake.test", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def test_tls(inst, tls, broken, plain):
    inst.send(["-f", "sender@localhost", "t@tls.test"], b"Subject: tls\n\nsecret\n")
    m = log_line(inst, "t@tls.test")
    check(m is not None and m.group(4) == "sent", "may: sent to a server with STARTTLS")
    check(len(tls.sessions) == 1 and tls.sessions[0]["tls"]
          and [c.split(" ")[0] for c in tls.sessions[0]["commands"]][:3] == ["EHLO", "STARTTLS", "EHLO"],
          "may: STARTTLS, then EHLO again, mail inside TLS")
    check(any(b"secret" in x["content"] for x in tls.messages), "may: the message arrived over TLS")
    inst.send(["-f", "sender@localhost", "b@broken.test"], b"Subject: broken\n\nx\n")
    m = log_line(inst, "b@broken.test")
    check(m is not None and m.group(4) == "sent", "may: sent after a failed handshake")
    check(len(broken.sessions) == 2 and "<broken handshake>" in broken.sessions[0]["commands"]
          and "STARTTLS" not in broken.sessions[1]["commands"],
          "may: the failed handshake was followed by a plaintext session")
    inst.send(["-f", "sender@localhost", "e@plain.test"], b"Subject: enc\n\nx\n")
    m = log_line(inst, "e@plain.test")
    check(m is not None and m.group(4) == "deferred" and m.group(3) == "4.7.4"
          and m.group(5) == "TLS is required, but was not offered by host 127.0.0.1[127.0.0.1]",
          "encrypt: deferred when STARTTLS is not offered (%s)" % (m.group(0) if m else None))
    check(not any(c.startswith("MAIL") for s in plain.sessions for c in s["commands"]),
          "encrypt: no MAIL FROM in plaintext")


ZONE = """
mx.test        MX 10 down.mx.test
mx.test        MX 20 up.mx.test
down.mx.test   A 127.0.0.2
up.mx.test     A 127.0.0.1
amx.test       A 127.0.0.1
nullmx.test    MX 0 .
"""


def test_mx(inst, mx_server):
    port = mx_server.port
    inst.send(["-f", "sender@localhost", "m@mx.test"], b"Subject: mx\n\nx\n")
    m = log_line(inst, "m@mx.test")
    check(m is not None and m.group(4) == "sent" and m.group(2) == "up.mx.test[127.0.0.1]:%d" % port,
          "MX: the second MX took the mail after the first refused (%s)" % (m.group(0) if m else None))
    check("connect to down.mx.test[127.0.0.2]:%d: Connection refused" % port not in inst.log_text(),
          "MX: a server that refused is not logged as the result")
    inst.send(["-f", "sender@localhost", "a@amx.test"], b"Subject: amx\n\nx\n")
    m = log_line(inst, "a@amx.test")
    check(m is not None and m.group(4) == "sent" and m.group(2) == "amx.test[127.0.0.1]:%d" % port,
          "no MX: delivered to the domain's A record (%s)" % (m.group(0) if m else None))
    inst.send(["-f", "sender@localhost", "n@nullmx.test"], b"Subject: null\n\nx\n")
    m = log_line(inst, "n@nullmx.test")
    check(m is not None and m.group(4) == "bounced" and m.group(3) == "5.1.10"
          and m.group(2) == "none" and "does not accept mail (nullMX)" in m.group(5),
          "null MX: bounced at once with 5.1.10 (%s)" % (m.group(0) if m else None))
    inst.send(["-f", "sender@localhost", "u@unknown.test"], b"Subject: nx\n\nx\n")
    m = log_line(inst, "u@unknown.test")
    check(m is not None and m.group(4) == "bounced" and m.group(3) == "5.4.4"
          and m.group(5).startswith("Host or domain name not found. Name service error for name=unknown.test"),
          "unknown domain: bounced with 5.4.4 (%s)" % (m.group(0) if m else None))


def test_auth(inst, relay, wrong):
    inst.send(["-f", "sender@localhost", "r@authrelay.test"], b"Subject: auth\n\nx\n")
    m = log_line(inst, "r@authrelay.test")
    check(m is not None and m.group(4) == "sent", "AUTH: sent through the relay")
    s = relay.sessions[0] if relay.sessions else {}
    cmds = [c.split(" ")[0] for c in s.get("commands", [])]
    check(s.get("tls") and s.get("auth") == ("PLAIN", "relayuser")
          and cmds.index("STARTTLS") < cmds.index("AUTH") < cmds.index("MAIL"),
          "AUTH: STARTTLS, then AUTH PLAIN as relayuser, then MAIL (%s)" % cmds)
    inst.send(["-f", "sender@localhost", "w@wrongpw.test"], b"Subject: wrong\n\nx\n")
    m = log_line(inst, "w@wrongpw.test")
    check(m is not None and m.group(4) == "deferred" and m.group(3) == "4.7.8"
          and m.group(5).startswith("SASL authentication failed; server 127.0.0.1[127.0.0.1] said: "
                                    "535 5.7.8"),
          "AUTH: a wrong password defers (%s)" % (m.group(0) if m else None))


def main():
    required = ("master", "postern", "qmgr", "local", "cleanup", "pickup", "sendmail", "smtp")
    missing = [p for p in required if not os.access(os.path.join(BIN, p), os.X_OK)]
    if missing:
        print("smtp agent: missing programs %s" % missing)
        return 1
    workdir = tempfile.mkdtemp(prefix="smtp-agent-")
    zone = os.path.join(workdir, "zone.txt")
    with open(zone, "w") as f:
        f.write(ZONE)
    dns = dnsserver.DnsServer(zone, max_lifetime=280)
    dns.start()
    servers = {"good": FakeSMTPD(), "helo": FakeSMTPD(ehlo_reject=True),
               "small": FakeSMTPD(extensions=["PIPELINING", "SIZE 100"]),
               "reuse": FakeSMTPD(), "tls": FakeSMTPD(tls_context=tls_context(workdir)),
               "broken": FakeSMTPD(tls_break=True), "plain": FakeSMTPD(), "mxsrv": FakeSMTPD()}
    servers["authrelay"] = FakeSMTPD(tls_context=tls_context(workdir),
                                     auth=("relayuser", "relay-secret"))
    servers["wrongpw"] = FakeSMTPD(auth=("relayuser", "other"))
    closed = free_port()
    # one inline table per entry: the resolver's list splitting does not
    # keep "inline:{a=b, c=d}" together yet
    entries = ["%s.test=%s:[127.0.0.1]:%d" % (k, "tlsreq" if k == "plain" else "smtp", s.port)
               for k, s in servers.items()]
    entries.append("closed.test=smtp:[127.0.0.1]:%d" % closed)
    # MX lookups with the fake server's port: "domain:port" next hops
    for domain in ("mx.test", "amx.test", "nullmx.test", "unknown.test"):
        entries.append("%s=smtp:%s:%d" % (domain, domain, servers["mxsrv"].port))
    params = {"transport_maps": " ".join("inline:{%s}" % e for e in entries),
              "smtp_connection_cache_time_limit": "30s",
              "smtp_tls_security_level": "may",
              "dns_nameservers": "127.0.0.1:%d" % dns.port,
              "inet_protocols": "ipv4",
              "smtp_sasl_auth_enable": "yes",
              "smtp_sasl_security_options": "noanonymous",
              "smtp_sasl_password_maps": "inline:{[127.0.0.1]:%d=relayuser:relay-secret} "
                                         "inline:{[127.0.0.1]:%d=relayuser:wrong}"
                                         % (servers["authrelay"].port, servers["wrongpw"].port)}
    try:
        with MailInstance(BIN, params=params) as inst:
            inst.create()
            path = os.path.join(inst.conf, "master.cf")
            with open(path) as f:
                text = f.read()
            # one smtp process, so that connection reuse can be observed
            text = re.sub(r"^smtp( +unix +- +- +n +- +)- ", r"smtp\g<1>1 ", text, flags=re.M)
            text += "tlsreq unix - - n - - smtp -o smtp_tls_security_level=encrypt\n"
            with open(path, "w") as f:
                f.write(text)
            inst.start()
            test_sent(inst, servers["good"])
            test_defer_and_bounce(inst)
            test_refused(inst, closed)
            test_helo(inst, servers["helo"])
            test_size(inst, servers["small"])
            test_reuse(inst, servers["reuse"])
            test_tls(inst, servers["tls"], servers["broken"], servers["plain"])
            test_mx(inst, servers["mxsrv"])
            test_auth(inst, servers["authrelay"], servers["wrongpw"])
            check(inst.stop() == 0, "master stopped with status 0")
            if os.environ.get("SMTPC_DEBUG"):
                print(inst.log_text())
            if failures:
                print(inst._tail(60))
    finally:
        for s in servers.values():
            s.stop()
        dns.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print("smtp agent: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
