#!/usr/bin/env python3
"""test_submission.py - the submission program on a started instance
(tests/integration/mail_path's MailInstance with the stock master.cf:
submission on 587 with STARTTLS, submissions on 465 with implicit TLS,
Postern's auth service with a passwd-file, a self-signed certificate):

- STARTTLS then AUTH PLAIN and AUTH LOGIN (smtplib + ssl); the message
  is delivered with Message-ID and Date added;
- no AUTH offered and AUTH/MAIL refused before TLS; MAIL without AUTH
  after TLS: 530 5.7.0 Authentication required;
- wrong password: 535 5.7.8;
- relay to a remote domain accepted after AUTH (refused without: 530);
- sender/login mismatch: 553 5.7.1;
- implicit TLS on 465; swaks --tls --auth as a second client;
- throttling: 30 wrong passwords from 127.0.0.1 in a loop meet growing
  delays, then 421 4.7.0 ... too many authentication failures, with the
  one-line log events, while 127.0.0.2 still logs in;
- privileges: started as root, smtpd, submission and auth run as the
  unprivileged mail_owner (skipped, and said so, when not root).
Usage: test_submission.py BIN_DIR"""
import os
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "mail_path"))
from mail_instance import MailInstance, header, unique_tag, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
USER, PASSWORD = "ann", "ann-secret"
# The back-off settings main() gives the instance, and the wrong passwords
# 127.0.0.1 sent before test_throttling (anvil counts them too).
FAIL_LIMIT, LOCKOUT_LIMIT = 3, 6
counted = {"failures": 0}
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def client_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def make_certificate(directory):
    key = os.path.join(directory, "key.pem")
    cert = os.path.join(directory, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=postern.test"],
                   check=True, capture_output=True, timeout=60)
    os.chmod(key, 0o644)
    return cert, key


def loopback_ok(addr):
    try:
        with socket.socket() as s:
            s.bind((addr, 0))
        return True
    except OSError:
        return False


def message(sender, rcpt, subject, extra=""):
    return ("From: %s\r\nTo: %s\r\nSubject: %s\r\n%s\r\nhello from submission\r\n"
            % (sender, rcpt, subject, extra)).encode()


def wait_subject(inst, subject, timeout=30):
    def found():
        return [m for m in inst.messages() if header(m, "Subject") == [subject]]
    return wait_for(found, timeout, step=0.1) or []


def login(s, mech, user=USER, password=PASSWORD):
    """AUTH with one mechanism; returns (code, text)."""
    s.user, s.password = user, password
    obj = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login}[mech]
    try:
        return s.auth(mech, obj, initial_response_ok=(mech == "PLAIN"))
    except smtplib.SMTPAuthenticationError as e:
        return e.smtp_code, e.smtp_error


def test_starttls_auth(inst, port, mech):
    subject = "submission %s %s" % (mech, unique_tag())
    sender = USER + "@example.test"
    rcpt = inst.user + "@localhost"
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.example", timeout=30) as s:
        s.ehlo()
        check(s.has_extn("starttls") and not s.has_extn("auth"),
              "587: STARTTLS offered, AUTH not offered before TLS")
        s.starttls(context=client_context())
        s.ehlo()
        check("PLAIN" in s.esmtp_features.get("auth", "").split()
              and "LOGIN" in s.esmtp_features.get("auth", "").split(),
              "587 after STARTTLS: AUTH PLAIN LOGIN offered (%r)" % s.esmtp_features.get("auth"))
        code, text = login(s, mech)
        check(code == 235, "587: STARTTLS then AUTH %s: 235 (%d %s)" % (mech, code, text))
        s.sendmail(sender, [rcpt], message(sender, rcpt, subject))
    got = wait_subject(inst, subject)
    if check(len(got) == 1, "message submitted with AUTH %s delivered" % mech):
        check(len(header(got[0], "Message-ID")) == 1 and len(header(got[0], "Date")) == 1,
              "Message-ID and Date added by the submission path")


def test_before_tls(port):
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        f = sock.makefile("rb")
        f.readline()
        sock.sendall(b"EHLO plain.example\r\n")
        lines = []
        while True:
            ln = f.readline()
            lines.append(ln)
            if not ln or ln[3:4] == b" ":
                break
        check(not any(b"AUTH" in ln for ln in lines), "no AUTH keyword before TLS")
        sock.sendall(b"AUTH PLAIN AGFubgBhbm4tc2VjcmV0\r\n")
        r = f.readline()
        check(r[:1] in (b"5",) and not r.startswith(b"235"), "AUTH before TLS refused (%r)" % r)
        sock.sendall(b"MAIL FROM:<ann@example.test>\r\n")
        r = f.readline()
        check(r.startswith(b"530 5.7.0"), "MAIL before TLS refused with 530 5.7.0 (%r)" % r)


def test_auth_required(port):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.starttls(context=client_context())
        s.ehlo()
        code, text = s.mail(USER + "@example.test")
        check(code == 530 and text == b"5.7.0 Authentication required",
              "MAIL without AUTH after TLS: 530 5.7.0 Authentication required (%d %s)" % (code, text))


def test_wrong_password(port):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.starttls(context=client_context())
        s.ehlo()
        code, text = login(s, "PLAIN", password="wrong")
        check(code == 535 and text.startswith(b"5.7.8"), "wrong password: 535 5.7.8 (%d %s)" % (code, text))
    if code == 535:
        counted["failures"] += 1


def test_relay_and_sender(port):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.starttls(context=client_context())
        s.ehlo()
        login(s, "LOGIN")
        code, _ = s.mail(USER + "@example.test")
        check(code == 250, "MAIL FROM own address after AUTH: 250")
        code, text = s.rcpt("someone@remote.example")
        check(code == 250, "relay to a remote domain after AUTH: 250 (%d %s)" % (code, text))
        s.rset()
        code, text = s.mail("bob@example.test")
        check(code == 553 and text.startswith(b"5.7.1 <bob@example.test>: Sender address rejected"),
              "sender not owned by the login: 553 5.7.1 (%d %s)" % (code, text))
        code, text = s.mail("ann@elsewhere.example")
        check(code == 553, "login's name at a foreign domain: 553 (%d %s)" % (code, text))


def test_implicit_tls(inst, port):
    subject = "submissions " + unique_tag()
    sender = USER + "@example.test"
    rcpt = inst.user + "@localhost"
    with smtplib.SMTP_SSL("127.0.0.1", port, context=client_context(), timeout=30) as s:
        s.ehlo()
        check(not s.has_extn("starttls"), "465: no STARTTLS inside implicit TLS")
        code, text = login(s, "PLAIN")
        check(code == 235, "465: implicit TLS then AUTH PLAIN: 235 (%d %s)" % (code, text))
        s.sendmail(sender, [rcpt], message(sender, rcpt, subject, "Message-ID: <given@example.test>\r\n"))
    got = wait_subject(inst, subject)
    if check(len(got) == 1, "message submitted on 465 delivered"):
        check(header(got[0], "Message-ID") == ["<given@example.test>"], "a Message-ID present is kept")


def test_swaks(inst, port):
    if shutil.which("swaks") is None:
        check(False, "swaks is installed (scripts/deps.sh)")
        return
    subject = "swaks " + unique_tag()
    proc = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(port), "--tls",
                           "--auth", "LOGIN", "--auth-user", USER, "--auth-password", PASSWORD,
                           "--from", USER + "@example.test", "--to", inst.user + "@localhost",
                           "--header", "Subject: " + subject, "--timeout", "30"],
                          capture_output=True, timeout=90)
    out = proc.stdout.decode(errors="replace")
    check(proc.returncode == 0 and "235 2.7.0" in out, "swaks --tls --auth LOGIN: 235 and queued")
    check(len(wait_subject(inst, subject)) == 1, "swaks message delivered")


def attempt(port, source, password):
    """One connection: STARTTLS, AUTH PLAIN; returns (code, seconds the AUTH took)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=60, source_address=(source, 0)) as s:
        s.starttls(context=client_context())
        s.ehlo()
        start = time.monotonic()
        try:
            code, _ = login(s, "PLAIN", password=password)
        except smtplib.SMTPServerDisconnected:
            code = -1
        return code, time.monotonic() - start


def test_throttling(inst, port):
    offset = len(inst.log_text())
    results = []
    deadline = time.monotonic() + 120
    for _ in range(30):
        if time.monotonic() > deadline:
            break
        try:
            results.append(attempt(port, "127.0.0.1", "wrong"))
        except (smtplib.SMTPException, OSError) as e:
            results.append((repr(e), 0))
    codes = [c for c, _ in results]
    print("     codes: %s" % codes, flush=True)
    print("     times: %s" % ["%.1f" % t for _, t in results], flush=True)
    # An attempt made after FAIL_LIMIT or more failures (the earlier ones
    # included) waits; the LOCKOUT_LIMIT-th failure starts the lockout.
    before = counted["failures"]
    n535 = LOCKOUT_LIMIT - before
    quick = max(FAIL_LIMIT - before, 0)
    check(len(results) == 30, "30 wrong passwords tried")
    check(codes[:n535] == [535] * n535,
          "%d wrong passwords (after %d earlier) get 535" % (n535, before))
    check(all(t < 1.0 for _, t in results[:quick]) and all(t >= 0.9 for _, t in results[quick:n535])
          and n535 - quick >= 2 and results[n535 - 1][1] > results[quick][1],
          "failures %d..%d wait, growing (%s)"
          % (FAIL_LIMIT + 1, LOCKOUT_LIMIT, ["%.1f" % t for _, t in results[:n535]]))
    check(all(c == 421 for c in codes[n535:]), "after the lockout every attempt gets 421")
    m = inst.wait_for_log(r"warning: auth failure limit exceeded: 6 failures from \S+\[127\.0\.0\.1\] "
                          r"for service \S+, locked out for 60s", start=offset)
    check(m is not None, "log: auth failure limit exceeded: 6 failures from NAME[127.0.0.1] ..., locked out for 60s")
    check(inst.wait_for_log(r"warning: auth failure back-off: 4 failures from \S+\[127\.0\.0\.1\] "
                            r"for service \S+, AUTH delayed by 2s", start=offset) is not None,
          "log: auth failure back-off line")
    check(inst.wait_for_log(r"warning: auth failure lockout: AUTH refused from \S+\[127\.0\.0\.1\] "
                            r"for service \S+, \d+s left", start=offset) is not None,
          "log: auth failure lockout line")
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.starttls(context=client_context())
        s.ehlo()
        code, text = login(s, "PLAIN")
        check(code == 421 and b"too many authentication failures" in text,
              "a locked-out address gets 421 4.7.0 even with the right password (%d %s)" % (code, text))
    if not loopback_ok("127.0.0.2"):
        check(False, "127.0.0.2 usable as a source address")
        return
    code, _ = attempt(port, "127.0.0.2", PASSWORD)
    check(code == 235, "meanwhile 127.0.0.2 logs in: 235")


def test_privileges(inst):
    if os.geteuid() != 0:
        print("skip privileges: not running as root", flush=True)
        return
    owner = inst.param("mail_owner")
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.ehlo()
    ps = subprocess.run(["ps", "-eo", "ppid=,user=,comm="], capture_output=True, check=True).stdout.decode()
    seen = {}
    for line in ps.splitlines():
        ppid, user, comm = line.split(None, 2)
        if int(ppid) == inst.master.pid:
            seen.setdefault(comm.strip(), set()).add(user)
    print("     children of master: %s" % seen, flush=True)
    for prog in ("smtpd", "submission", "auth"):
        check(seen.get(prog) == {owner}, "%s runs as mail_owner %s (%s)" % (prog, owner, seen.get(prog)))


def setup_submission(inst, user=USER, password=PASSWORD):
    """Gives a created-not-started instance what its stock submission
    service needs: a self-signed certificate for STARTTLS and Postern's
    auth service (smtpd_sasl_path private/auth) with a passwd-file
    holding one {PLAIN} user. Also used by tests/integration/relay."""
    cert, key = make_certificate(inst.root)
    passwd = os.path.join(inst.root, "passwd")
    with open(passwd, "w") as f:
        f.write("%s:{PLAIN}%s\n" % (user, password))
    os.chmod(passwd, 0o644)
    inst.extra_params.update({
        "smtpd_tls_cert_file": cert, "smtpd_tls_key_file": key,
        "smtpd_sasl_type": "dovecot", "smtpd_sasl_path": "private/auth",
        "auth_passwd_file": passwd, "auth_failure_delay": "0",
    })


def main():
    inst = MailInstance(BIN)
    try:
        setup_submission(inst)
        inst.extra_params.update({
            "smtpd_client_event_limit_exceptions": "",
            "smtpd_client_auth_failure_limit": str(FAIL_LIMIT),
            "smtpd_client_auth_failure_delay": "1s",
            "smtpd_client_auth_failure_lockout_limit": str(LOCKOUT_LIMIT),
            "smtpd_client_auth_failure_lockout_time": "60s",
        })
        inst.start()
        port, port_ssl = inst.port("submission"), inst.port("submissions")
        test_starttls_auth(inst, port, "PLAIN")
        test_starttls_auth(inst, port, "LOGIN")
        test_before_tls(port)
        test_auth_required(port)
        test_wrong_password(port)
        test_relay_and_sender(port)
        test_implicit_tls(inst, port_ssl)
        test_swaks(inst, port)
        test_privileges(inst)
        test_throttling(inst, port)
    finally:
        inst.cleanup()
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
