#!/usr/bin/env python3
"""Relaying through a relayhost that requires STARTTLS and AUTH: three
Postern instances on loopback.

B is a submission server: Postern's submission program (stock master.cf)
with STARTTLS and Postern's auth service over a passwd-file, set up by
submission/tests/test_submission.py's setup_submission(). A has
relayhost = [127.0.0.1]:B_SUBMISSION_PORT, smtp_tls_security_level =
encrypt, smtp_sasl_auth_enable = yes, smtp_sasl_password_maps = an
inline: table "[127.0.0.1]:PORT user:password", smtp_sasl_security_options
= noanonymous. Checks:
- a message sent on A arrives in B's Maildir, A logs status=sent with
  relay=127.0.0.1[127.0.0.1]:PORT and a TLS connection to B;
- B logs the TLS connection from A and sasl_method=PLAIN,
  sasl_username=USER for that message;
- A' (the same settings, a wrong password in its map): the message is
  deferred, postqueue -p shows "SASL authentication failed; server ...
  said: 535 5.7.8 ...", and nothing arrives in B.
Every wait is bounded; only processes started here are stopped.

usage: test_relay_auth.py BIN_DIR
"""
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "mail_path"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "submission", "tests"))
from mail_instance import MailInstance, header, unique_tag, wait_for  # noqa: E402
from test_submission import PASSWORD, USER, setup_submission  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
SENDER = USER + "@example.test"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def by_subject(inst, subject):
    return [m for m in inst.messages() if subject in " ".join(header(m, "Subject"))]


def message(rcpt, subject):
    return ("From: %s\nTo: %s\nSubject: %s\n\nrelayed with AUTH\n" % (SENDER, rcpt, subject)).encode()


def relaying_instance(b, hostname, password):
    """A created instance whose mail all goes to B's submission port with
    STARTTLS required and AUTH PLAIN as USER:password."""
    hop = "[127.0.0.1]:%d" % b.port("submission")
    return MailInstance(BIN, hostname=hostname, params={
        "mydestination": "$myhostname, localhost",
        "relayhost": hop,
        "smtp_tls_security_level": "encrypt",
        "smtp_sasl_auth_enable": "yes",
        "smtp_sasl_password_maps": "inline:{%s=%s:%s}" % (hop, USER, password),
        "smtp_sasl_security_options": "noanonymous",
        "smtp_tls_loglevel": "1",
        "minimal_backoff_time": "300s", "maximal_backoff_time": "600s",
        "queue_run_delay": "300s", "smtp_connect_timeout": "5s"}).create()


def test_authenticated(a, b):
    subject = "relayauth " + unique_tag()
    rcpt = "%s@example.com" % b.user
    offset = len(b.log_text())
    a.send(["-f", SENDER, rcpt], message(rcpt, subject))
    got = wait_for(lambda: by_subject(b, subject), 60, step=0.2)
    check(bool(got), "relayed through B's submission port (STARTTLS + AUTH) into B's Maildir")
    port = b.port("submission")
    check(bool(wait_for(lambda: re.search(r"to=<%s>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:%d, .*status=sent"
                                          % (re.escape(rcpt), port), a.log_text()), 10)),
          "A logs relay=127.0.0.1[127.0.0.1]:%d and status=sent" % port)
    check(re.search(r"TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:%d" % port,
                    a.log_text()) is not None, "A logs its TLS connection to B")
    b_log = b.log_text()[offset:]
    check(re.search(r"TLS connection established from \S+\[127\.0\.0\.1\]", b_log) is not None,
          "B logs the TLS connection from A")
    m = re.search(r"(\w+): client=\S+\[127\.0\.0\.1\], sasl_method=PLAIN, sasl_username=%s\n"
                  % re.escape(USER), b_log)
    check(m is not None, "B logs sasl_method=PLAIN, sasl_username=%s" % USER)
    if got:
        received = " ".join(header(got[0], "Received"))
        check("ESMTPSA" in received, "B's Received: header says ESMTPSA (%s)" % received[:200])


def test_wrong_password(a_bad, b):
    subject = "relayauth wrong " + unique_tag()
    rcpt = "%s@example.com" % b.user
    a_bad.send(["-f", SENDER, rcpt], message(rcpt, subject))
    deferred = wait_for(lambda: a_bad.queue_files("deferred"), 60, step=0.2)
    check(bool(deferred), "wrong password: the message is deferred")
    pq = a_bad.run("postqueue", "-c", a_bad.conf, "-p", check=False).stdout.decode("utf-8", "replace")
    check(rcpt in pq and re.search(r"\(SASL authentication failed; server 127\.0\.0\.1\[127\.0\.0\.1\] "
                                   r"said: 535 5\.7\.8 [^)]*\)", pq) is not None,
          "postqueue -p shows the SASL failure as the reason:\n" + pq)
    check(re.search(r"to=<%s>, relay=\S+, .*dsn=4\.7\.8, status=deferred \(SASL authentication failed"
                    % re.escape(rcpt), a_bad.log_text()) is not None,
          "A' logs dsn=4.7.8, status=deferred (SASL authentication failed ...)")
    time.sleep(2)
    check(not by_subject(b, subject), "wrong password: nothing arrives in B's Maildir")


def main():
    b = MailInstance(BIN, hostname="b.test", params={
        "mydestination": "$myhostname, localhost, example.test, example.com",
        "smtpd_tls_loglevel": "1"})
    setup_submission(b, USER, PASSWORD)
    b.create()
    a = a_bad = None
    try:
        b.start()
        a = relaying_instance(b, "a.test", PASSWORD)
        a_bad = relaying_instance(b, "abad.test", "not-" + PASSWORD)
        a.start()
        a_bad.start()
        test_authenticated(a, b)
        test_wrong_password(a_bad, b)
    finally:
        started = [i for i in (a, a_bad, b) if i is not None]
        for inst in started:
            inst.stop()
        if failures:
            for inst in started:
                print("---- log of %s\n%s" % (inst.root, inst.log_text()[-5000:]))
        else:
            for inst in started:
                inst.cleanup()
    print("relay auth: %d failed checks" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
