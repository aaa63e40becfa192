#!/usr/bin/env python3
"""Outbound delivery end to end: two Postern instances on loopback.

A relays by transport_maps (example.com smtp:[127.0.0.1]:PORT_B) to B,
which delivers into a Maildir. Checks:
- relay: a message sent on A arrives in B's Maildir, A logs status=sent;
- MX: with A's dns_nameservers pointing at tests/lib/dnsserver.py, mail
  for mx.test (transport "smtp:mx.test:PORT_B", MX lookup) arrives in B;
- retry: with B stopped the message is deferred, postqueue -p on A shows
  the connection error as its reason; that site failure (window 1) makes
  the destination dead, so the next message is deferred without contact
  ("delivery temporarily suspended: ..."); B started again + postqueue -f
  delivers both;
- bounce: B answers 550 for an unknown user; A returns an RFC 3464 DSN
  into the sender's Maildir that Python's email package parses as
  multipart/report with a message/delivery-status part (ENVID, ORCPT,
  RET=HDRS honoured); NOTIFY=NEVER gets no DSN; NOTIFY=SUCCESS to a
  server without DSN (a sink) gets one notice with Action: relayed;
- concurrency: a thousand messages to ten destinations (ten
  transport_maps entries to ten counting SMTP sinks) are all delivered
  within a bounded time, and no sink ever sees more than
  smtp_destination_concurrency_limit sessions inside a mail transaction
  at once (idle sessions kept open for reuse are counted apart).
Every wait is bounded; only processes started here are stopped.

usage: test_relay.py BIN_DIR
"""
import email
import email.policy
import os
import smtplib
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "mail_path"))
from mail_instance import MailInstance, header, unique_tag, wait_for  # noqa: E402
from smtp_sink import Sink  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
LIMIT = 3
DESTINATIONS = 10
MESSAGES = 1000
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def by_subject(inst, subject, name=None):
    return [m for m in inst.messages(name) if subject in " ".join(header(m, "Subject"))]


def message(sender, rcpt, subject, body="hello\n"):
    return ("From: %s\nTo: %s\nSubject: %s\n\n%s" % (sender, rcpt, subject, body)).encode()


def postqueue(inst, *args):
    return inst.run("postqueue", "-c", inst.conf, *args, check=False)


def test_relay(a, b):
    subject = "relay " + unique_tag()
    rcpt = "%s@example.com" % b.user
    a.send(["-f", a.sender, rcpt], message(a.sender, rcpt, subject))
    got = wait_for(lambda: by_subject(b, subject), 60, step=0.2)
    check(bool(got), "relayed by transport_maps into B's Maildir")
    check(wait_for(lambda: "to=<%s>, relay=127.0.0.1[127.0.0.1]:%d" % (rcpt, b.port("smtp"))
                   in a.log_text(), 10) and "status=sent" in a.log_text(),
          "A logs relay=127.0.0.1[127.0.0.1]:PORT and status=sent")


def start_dns(root):
    """The test DNS server (tests/lib/dnsserver.py) with an MX for mx.test
    pointing at 127.0.0.1, or None when that server is not in the tree."""
    lib = os.path.join(HERE, "..", "..", "lib")
    if not os.path.exists(os.path.join(lib, "dnsserver.py")):
        print("skip MX: tests/lib/dnsserver.py is not in the tree")
        return None
    sys.path.insert(0, lib)
    import dnsserver  # noqa: E402
    zone = os.path.join(root, "zone.txt")
    with open(zone, "w") as f:
        f.write("mx.test MX 10 mail.mx.test\nmail.mx.test A 127.0.0.1\n")
    srv = dnsserver.DnsServer(zone, max_lifetime=600)
    srv.start()
    return srv


def test_mx(a, b):
    subject = "mx " + unique_tag()
    rcpt = "%s@mx.test" % b.user
    a.send(["-f", a.sender, rcpt], message(a.sender, rcpt, subject))
    check(bool(wait_for(lambda: by_subject(b, subject), 60, step=0.2)),
          "relayed by MX (mx.test MX 10 mail.mx.test, from the test DNS server) into B's Maildir")
    check("to=<%s>, relay=mail.mx.test[127.0.0.1]:%d" % (rcpt, b.port("smtp")) in a.log_text(),
          "A logs relay=mail.mx.test[127.0.0.1]:PORT")


def test_retry(a, b):
    b.stop()
    subject = "retry " + unique_tag()
    rcpt = "%s@example.com" % b.user
    a.send(["-f", a.sender, rcpt], message(a.sender, rcpt, subject))
    deferred = wait_for(lambda: a.queue_files("deferred"), 60, step=0.2)
    check(bool(deferred), "B down: the message is deferred")
    pq = postqueue(a, "-p").stdout.decode("utf-8", "replace")
    check(rcpt in pq and ("(connect to 127.0.0.1[127.0.0.1]:%d: Connection refused)\n"
                          % b.port("smtp")) in pq, "postqueue -p shows the reason:\n" + pq)
    pj = postqueue(a, "-j").stdout.decode("utf-8", "replace")
    check('"delay_reason": "connect to 127.0.0.1[127.0.0.1]:%d: Connection refused"' % b.port("smtp")
          in pj, "postqueue -j gives delay_reason")
    # A's initial_destination_concurrency is 1: that one site failure (the
    # agent's site_fail) made the destination dead, so the next message is
    # deferred at once, without contacting B, with the same reason.
    check(bool(wait_for(lambda: "smtp:[127.0.0.1]:%d: destination is dead" % b.port("smtp")
                        in a.log_text(), 10)), "the site failure makes the destination dead")
    subject2 = "suspended " + unique_tag()
    a.send(["-f", a.sender, rcpt], message(a.sender, rcpt, subject2))
    suspended = ("status=deferred (delivery temporarily suspended: connect to "
                 "127.0.0.1[127.0.0.1]:%d: Connection refused)" % b.port("smtp"))
    check(bool(wait_for(lambda: suspended in a.log_text(), 30, step=0.2))
          and "relay=none" in a.log_text().split(suspended)[0].rsplit("\n", 1)[-1],
          "a dead destination's mail is deferred without contact (relay=none)")
    check(bool(wait_for(lambda: len(a.queue_files("deferred")) == 2, 30, step=0.2)),
          "both messages deferred")
    b.start()
    pf = postqueue(a, "-f")
    check(pf.returncode == 0, "postqueue -f accepted")
    check(bool(wait_for(lambda: by_subject(b, subject) and by_subject(b, subject2), 60, step=0.2)),
          "B up + postqueue -f: the destination comes back, both delivered")
    check(bool(wait_for(lambda: not a.queue_files("deferred"), 20, step=0.2)),
          "A's deferred queue is empty again")


def smtp_to(inst):
    return smtplib.SMTP("127.0.0.1", inst.port("smtp"), local_hostname="client.test", timeout=60)


def test_bounce(a, b):
    subject = "bounce " + unique_tag()
    rcpt = "nosuchuser@example.com"
    with smtp_to(a) as s:
        s.ehlo()
        s.sendmail(a.sender, [rcpt], message(a.sender, rcpt, subject, "secret body\n"),
                   mail_options=["RET=HDRS", "ENVID=env-" + subject.split()[1]],
                   rcpt_options=["NOTIFY=FAILURE", "ORCPT=rfc822;Orig@Example.com"])
        s.sendmail(a.sender, [rcpt], message(a.sender, rcpt, subject + " never"),
                   rcpt_options=["NOTIFY=NEVER"])
    dsns = wait_for(lambda: [m for m in a.messages()
                             if subject in m.decode("utf-8", "replace")
                             and b"multipart/report" in m], 60, step=0.2) or []
    if not check(len(dsns) >= 1, "550 from B: a DSN in the sender's Maildir"):
        return
    msg = email.message_from_bytes(dsns[0], policy=email.policy.default)
    check(msg.get_content_type() == "multipart/report"
          and msg.get_param("report-type") == "delivery-status", "DSN is multipart/report")
    parts = list(msg.iter_parts())
    types = [p.get_content_type() for p in parts]
    check(types == ["text/plain", "message/delivery-status", "text/rfc822-headers"],
          "parts text/plain, message/delivery-status, text/rfc822-headers (RET=HDRS): %s" % types)
    fields = {}
    if "message/delivery-status" in types:
        for block in parts[types.index("message/delivery-status")].get_payload():
            for k, v in block.items():
                fields[k.lower()] = str(v)
    check(fields.get("action") == "failed" and fields.get("status", "").startswith("5.1.1"),
          "Action: failed, Status: 5.1.1 (%s %s)" % (fields.get("action"), fields.get("status")))
    check(fields.get("original-envelope-id") == "env-" + subject.split()[1], "ENVID kept")
    check(fields.get("original-recipient", "").lower() == "rfc822;orig@example.com"
          or fields.get("original-recipient", "").lower() == "rfc822; orig@example.com", "ORCPT kept")
    check("550" in fields.get("diagnostic-code", ""), "Diagnostic-Code has B's 550 reply")
    check(b"secret body" not in dsns[0], "RET=HDRS: no body returned")
    time.sleep(2)
    never = [m for m in a.messages() if (subject + " never").encode() in m and b"multipart/report" in m]
    check(not never, "NOTIFY=NEVER: no DSN")


def test_relayed(a, sink):
    """NOTIFY=SUCCESS to a server without DSN: a success notice with
    Action: relayed comes back to the sender."""
    subject = "relayed " + unique_tag()
    rcpt = "someone@nodsn.test"
    with smtp_to(a) as s:
        s.ehlo()
        s.sendmail(a.sender, [rcpt], message(a.sender, rcpt, subject),
                   rcpt_options=["NOTIFY=SUCCESS"])
    dsns = wait_for(lambda: [m for m in a.messages()
                             if subject in m.decode("utf-8", "replace")
                             and b"multipart/report" in m], 60, step=0.2) or []
    if not check(len(dsns) == 1 and sink.messages >= 1,
                 "NOTIFY=SUCCESS to a server without DSN: one success notice"):
        return
    msg = email.message_from_bytes(dsns[0], policy=email.policy.default)
    fields = {}
    for part in msg.iter_parts():
        if part.get_content_type() == "message/delivery-status":
            for block in part.get_payload():
                fields.update((k.lower(), str(v)) for k, v in block.items())
    check(fields.get("action") == "relayed" and fields.get("status", "").startswith("2."),
          "Action: relayed, Status: 2.x.x (%s %s)" % (fields.get("action"), fields.get("status")))


def test_concurrency(a_params):
    sinks = [Sink(delay=0.01) for _ in range(DESTINATIONS)]
    table = "".join("d%d.example smtp:[127.0.0.1]:%d\n" % (i, s.port) for i, s in enumerate(sinks))
    c = MailInstance(BIN, hostname="c.test", params=dict(a_params, **{
        "smtp_destination_concurrency_limit": str(LIMIT)}))
    try:
        c.create()
        with open(os.path.join(c.conf, "transport"), "w") as f:
            f.write(table)
        c.start()
        started = time.monotonic()
        with smtp_to(c) as s:
            for i in range(MESSAGES):
                rcpt = "user%d@d%d.example" % (i, i % DESTINATIONS)
                s.sendmail("sender@c.test", [rcpt], message("sender@c.test", rcpt, "bulk %d" % i))
        submitted = time.monotonic() - started
        done = wait_for(lambda: sum(s.messages for s in sinks) >= MESSAGES, 300, step=0.5)
        took = time.monotonic() - started
        total = sum(s.messages for s in sinks)
        check(done and total == MESSAGES, "%d messages delivered to %d sinks in %.1fs (submitted in %.1fs)"
              % (total, DESTINATIONS, took, submitted))
        busy = [s.max["busy"] for s in sinks]
        sessions = [s.max["sessions"] for s in sinks]
        print("max transactions per destination: %s; max sessions: %s" % (busy, sessions))
        check(max(busy) <= LIMIT, "no destination saw more than %d deliveries at once" % LIMIT)
        check(max(busy) >= 2, "deliveries to a destination ran in parallel")
        check(all(s.messages == MESSAGES // DESTINATIONS for s in sinks), "every destination got its share")
    finally:
        c.stop()
        c.cleanup()
        for s in sinks:
            s.stop()


def main():
    b = MailInstance(BIN, hostname="b.test", params={
        "mydestination": "$myhostname, localhost, example.com, mx.test"})
    b.create()
    dns = start_dns(b.root)
    common = {"transport_maps": "texthash:$config_directory/transport",
              "minimal_backoff_time": "300s", "maximal_backoff_time": "600s",
              "queue_run_delay": "300s", "smtp_connect_timeout": "5s",
              "initial_destination_concurrency": "1"}
    nodsn = Sink()
    a_params = dict(common)
    if dns:
        a_params["dns_nameservers"] = "127.0.0.1:%d" % dns.port
    a = MailInstance(BIN, hostname="a.test", params=a_params)
    a.create()
    a.sender = "%s@a.test" % a.user
    with open(os.path.join(a.conf, "transport"), "w") as f:
        # host:port without brackets: MX lookup, then that port
        f.write("example.com smtp:[127.0.0.1]:%d\nmx.test smtp:mx.test:%d\n"
                "nodsn.test smtp:[127.0.0.1]:%d\n" % (b.port("smtp"), b.port("smtp"), nodsn.port))
    try:
        b.start()
        a.start()
        test_relay(a, b)
        if dns:
            test_mx(a, b)
        test_retry(a, b)
        test_bounce(a, b)
        test_relayed(a, nodsn)
    finally:
        nodsn.stop()
        if dns:
            dns.stop()
        for inst in (a, b):
            inst.stop()
        if failures:
            print(a.log_text()[-6000:])
        for inst in (a, b):
            if not failures:
                inst.cleanup()
    test_concurrency(common)
    print("relay: %d failed checks" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
