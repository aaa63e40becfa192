#!/usr/bin/env python3
"""The SMTP side of the mail path on a started instance (smtpd + cleanup +
qmgr + local), with the client outside mynetworks (mynetworks =
192.0.2.0/24) and smtpd_relay_restrictions = permit_mynetworks,
reject_unauth_destination.

Checks: swaks (when installed) delivers with the exact body and a
Received: header naming the client; relay attempts and the open-relay
address tricks (user%host@, host!user@, @a:u@b source routes, quoted
local parts) are refused and nothing leaves; SIZE above
message_size_limit and an oversized DATA get 552 5.3.4; a bare-LF
smuggling attempt is never split into two messages; master restarts a
killed smtpd; SIGHUP makes a new mydestination domain acceptable;
pflogsumm counts the SMTP-received messages. (smtplib delivery,
pipelining, 550 5.1.1 and the plain relay refusal are in
smtpd/tests/test_smtpd_daemon.py.)

usage: test_smtp_path.py BIN_DIR
"""
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mail_instance import MailInstance, header, parse, unique_tag, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
SIZE_LIMIT = 100000
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def by_subject(inst, subject, name=None):
    return [m for m in inst.messages(name) if header(m, "Subject") == [subject]]


def wait_subject(inst, subject, name=None, timeout=30):
    return wait_for(lambda: by_subject(inst, subject, name), timeout, step=0.1) or []


def smtp(inst):
    return smtplib.SMTP("127.0.0.1", inst.port("smtp"), local_hostname="client.example", timeout=30)


def test_swaks(inst):
    if not shutil.which("swaks"):
        print("skip swaks: not installed (scripts/deps.sh swaks)")
        return
    subject = "swaks " + unique_tag()
    body = "line one\n.starts with a dot\n\ttab\nlast line"
    proc = subprocess.run(["swaks", "--server", "127.0.0.1:%d" % inst.port("smtp"),
                           "--helo", "swaks.example", "--from", "sender@example.org",
                           "--to", inst.user + "@localhost", "--header", "Subject: " + subject,
                           "--body", body], capture_output=True, text=True, timeout=60)
    check(proc.returncode == 0 and re.search(r"<-  250 2\.0\.0 Ok: queued as \w+", proc.stdout),
          "swaks: 250 2.0.0 Ok: queued as ID")
    got = wait_subject(inst, subject)
    if not check(len(got) == 1, "swaks: delivered to the Maildir"):
        return
    raw = got[0]
    items, delivered = parse(raw)
    # swaks ends --body with two empty lines (Postfix delivers the same bytes)
    check(delivered == (body + "\n\n\n").encode(),
          "swaks: body byte for byte, dot-unstuffed (%r)" % delivered)
    check(items[0] == ("Return-Path", "<sender@example.org>"), "swaks: Return-Path first")
    check(header(raw, "Delivered-To") == [inst.user + "@localhost"], "swaks: Delivered-To")
    received = header(raw, "Received")
    check(bool(received) and re.match(r"from swaks\.example \(localhost \[127\.0\.0\.1\]\)",
                                      received[0]) is not None,
          "swaks: Received: from swaks.example (localhost [127.0.0.1]) (%s)" % received[:1])


RELAY_TRICKS = [
    "victim@elsewhere.example",
    "victim%elsewhere.example@localhost",
    "elsewhere.example!victim@localhost",
    "@localhost:victim@elsewhere.example",
    "\"victim@elsewhere.example\"@localhost",
    "\"victim%elsewhere.example\"@localhost",
]


def test_relay_tricks(inst):
    with smtp(inst) as s:
        s.ehlo()
        check(s.mail("sender@example.org")[0] == 250, "MAIL FROM from outside mynetworks 250")
        for rcpt in RELAY_TRICKS:
            code, text = s.docmd("RCPT TO:<%s>" % rcpt)
            check(500 <= code <= 599, "relay attempt RCPT TO:<%s> refused (%d %s)" % (rcpt, code, text))
        code, text = s.rcpt("victim@elsewhere.example")
        check(code == 554 and text.startswith(b"5.7.1 "), "plain relay attempt: 554 5.7.1 (%d %s)"
              % (code, text))
    log = inst.log_text()
    check("relay=" not in "".join(l for l in log.splitlines() if "victim" in l and "status=" in l),
          "no delivery attempt for any relay trick")


def test_size_limit(inst):
    with smtp(inst) as s:
        s.ehlo()
        code, text = s.docmd("MAIL FROM:<sender@example.org> SIZE=%d" % (SIZE_LIMIT * 2))
        check(code == 552 and text.startswith(b"5.3.4"), "MAIL SIZE over the limit: 552 5.3.4 (%d %s)"
              % (code, text))
        s.rset()
        subject = "big " + unique_tag()
        s.mail("sender@example.org")
        s.rcpt(inst.user + "@localhost")
        big = ("Subject: %s\r\n\r\n" % subject) + ("x" * 998 + "\r\n") * (SIZE_LIMIT // 500)
        code, text = s.data(big.encode())
        check(code == 552 and text.startswith(b"5.3.4"), "DATA over the limit: 552 5.3.4 (%d %s)"
              % (code, text))
    check(not by_subject(inst, subject), "the oversized message was not delivered")


def recv_until(sock, count, timeout=20):
    """Reads until count final reply lines (NNN<space>) arrived."""
    sock.settimeout(timeout)
    data = b""
    while len(re.findall(rb"(?m)^\d{3} ", data)) < count:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_smuggling(inst):
    tag = unique_tag()
    outer, inner = "outer " + tag, "smuggled " + tag
    rcpt = inst.user + "@localhost"
    payload = ("Subject: %s\r\n\r\nbefore\n.\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<%s>\r\n"
               "DATA\r\nSubject: %s\r\n\r\nsmuggled\r\n.\r\n" % (outer, rcpt, inner))
    with socket.create_connection(("127.0.0.1", inst.port("smtp")), timeout=20) as sock:
        recv_until(sock, 1)
        sock.sendall(b"EHLO client.example\r\n")
        recv_until(sock, 1)
        sock.sendall(b"MAIL FROM:<sender@example.org>\r\n")
        recv_until(sock, 1)
        sock.sendall(("RCPT TO:<%s>\r\n" % rcpt).encode())
        recv_until(sock, 1)
        sock.sendall(b"DATA\r\n")
        recv_until(sock, 1)
        sock.sendall(payload.encode() + b"QUIT\r\n")
        replies = recv_until(sock, 6, timeout=10).decode(errors="replace")
    wait_for(lambda: by_subject(inst, outer) or by_subject(inst, inner), 10, step=0.1)
    wait_for(lambda: False, 2)  # a second message, if any, has time to arrive
    check(not by_subject(inst, inner), "bare-LF smuggling: no second message (%r)" % replies[-200:])
    finals = re.findall(r"(?m)^(\d{3})[ ]", replies)
    check(finals.count("250") <= 1, "bare-LF smuggling: at most one 250 for the data (%s)" % finals)


def smtpd_children(inst):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if stat[stat.index("(") + 1:stat.rindex(")")] == "smtpd" and int(fields[1]) == inst.master.pid:
            pids.append(int(entry))
    return pids


def test_smtpd_restart(inst):
    with smtp(inst) as s:
        s.ehlo()
        pids = smtpd_children(inst)
        if not check(bool(pids), "smtpd runs as master's child"):
            return
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
    check(inst.wait_for_log(r"warning: process \S*smtpd pid %d killed by signal 9" % pids[0]),
          "master logged the killed smtpd")
    subject = "after-smtpd-kill " + unique_tag()
    ok = False
    for _ in range(10):  # master may throttle the service for a moment
        try:
            with smtp(inst) as s:
                s.sendmail("sender@example.org", [inst.user + "@localhost"],
                           ("Subject: %s\r\n\r\nagain\r\n" % subject).encode())
                ok = True
                break
        except (smtplib.SMTPException, OSError):
            wait_for(lambda: False, 1)
    check(ok, "a new smtpd answers after the kill")
    check(len(wait_subject(inst, subject)) == 1, "mail delivered through the new smtpd")


def test_reload_mydestination(inst):
    rcpt = inst.user + "@later.example"
    with smtp(inst) as s:
        s.ehlo()
        s.mail("sender@example.org")
        code, _ = s.rcpt(rcpt)
        check(code == 554, "before reload: %s is a relay attempt (%d)" % (rcpt, code))
    inst.set_params(mydestination="$myhostname, localhost, example.test, later.example")
    inst.reload()
    subject = "later " + unique_tag()
    ok = False
    for _ in range(20):  # old smtpd children finish their client first
        with smtp(inst) as s:
            s.ehlo()
            s.mail("sender@example.org")
            if s.rcpt(rcpt)[0] == 250:
                code, _ = s.data(("Subject: %s\r\n\r\nnew domain\r\n" % subject).encode())
                ok = code == 250
                break
        wait_for(lambda: False, 0.5)
    check(ok, "after SIGHUP: %s accepted" % rcpt)
    got = wait_subject(inst, subject)
    check(len(got) == 1 and header(got[0], "Delivered-To") == [rcpt], "after SIGHUP: delivered locally")


def test_pflogsumm(inst, received, delivered):
    if not shutil.which("pflogsumm"):
        print("skip pflogsumm: not installed (scripts/deps.sh pflogsumm)")
        return
    out = subprocess.run(["pflogsumm", "--syslog-name=postern", inst.maillog],
                         capture_output=True, text=True, timeout=60).stdout
    counts = {}
    for what in ("received", "delivered"):
        m = re.search(r"^\s*(\d+)\s+%s\b" % what, out, re.M)
        counts[what] = int(m.group(1)) if m else None
    print("pflogsumm:", counts)
    check(counts == {"received": received, "delivered": delivered},
          "pflogsumm: %d received, %d delivered" % (received, delivered))


def main():
    required = ("master", "postern", "qmgr", "local", "cleanup", "smtpd", "postalias")
    missing = [p for p in required if not os.access(os.path.join(BIN, p), os.X_OK)]
    if missing:
        print("smtp_path: missing programs %s" % missing)
        return 1
    params = {
        "mynetworks": "192.0.2.0/24",
        "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        "message_size_limit": str(SIZE_LIMIT),
    }
    with MailInstance(BIN, params=params) as inst:
        inst.start()
        test_swaks(inst)
        test_relay_tricks(inst)
        test_size_limit(inst)
        test_smuggling(inst)
        test_smtpd_restart(inst)
        test_reload_mydestination(inst)
        check(inst.wait_queue_empty(), "incoming and active are empty at the end")
        # every accepted message went to the user's Maildir; pflogsumm
        # counts a message as received at smtpd's "client=" line, which the
        # oversized DATA also had (as with Postfix)
        delivered = len(inst.messages())
        test_pflogsumm(inst, delivered + 1, delivered)
        code = inst.stop()
        check(code == 0, "master stopped with status 0")
        if failures:
            print(inst._tail(60))
    print("smtp_path: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
