#!/usr/bin/env python3
"""test_smtpd_daemon.py - the smtpd daemon on a started instance (master +
smtpd + cleanup + qmgr + local, tests/integration/mail_path's
MailInstance): smtplib and raw-socket (pipelined) sessions on 127.0.0.1
deliver to the instance user's Maildir; unknown local users get 550
5.1.1; after mynetworks is changed to exclude 127.0.0.1 (reload), a relay
attempt gets 554 5.7.1 Relay access denied while local mail still goes
through; the Postfix-shaped log lines are checked.
Usage: test_smtpd_daemon.py BIN_DIR"""
import os
import re
import smtplib
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "mail_path"))
from mail_instance import MailInstance, header, unique_tag, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def wait_subject(inst, subject, timeout=30):
    def found():
        return [m for m in inst.messages() if header(m, "Subject") == [subject]]
    return wait_for(found, timeout, step=0.1) or []


def test_smtplib_delivery(inst):
    subject = "smtplib " + unique_tag()
    rcpt = inst.user + "@example.test"
    msg = ("From: a@example.org\r\nTo: %s\r\nSubject: %s\r\n\r\nhello\r\n.leading dot\r\n"
           % (rcpt, subject))
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), local_hostname="client.example", timeout=30) as s:
        s.ehlo()
        check(s.has_extn("pipelining") and s.has_extn("size"), "EHLO announces PIPELINING, SIZE")
        code, _ = s.mail("sender@example.org")
        check(code == 250, "MAIL FROM 250")
        code, _ = s.rcpt(rcpt)
        check(code == 250, "RCPT TO local user 250")
        code, text = s.rcpt("nosuchuser@example.test")
        check(code == 550 and text.startswith(b"5.1.1 <nosuchuser@example.test>"),
              "unknown local user 550 5.1.1 (%d %s)" % (code, text))
        code, text = s.data(msg.encode())
        m = re.match(rb"2\.0\.0 Ok: queued as (\w+)$", text)
        check(code == 250 and m is not None, "DATA 250 2.0.0 Ok: queued as ID (%d %s)" % (code, text))
        qid = m.group(1).decode() if m else "NONE"
    got = wait_subject(inst, subject)
    if not check(len(got) == 1, "message delivered to the Maildir"):
        return qid
    raw = got[0]
    received = header(raw, "Received")
    check(len(received) >= 1 and received[0].startswith("from client.example (")
          and ("by %s (Postern) with ESMTP id %s" % (inst.param("myhostname"), qid)) in received[0]
          and ("for <%s>;" % rcpt) in received[0],
          "first Received: header in Postfix's shape (%s)" % (received[:1],))
    check(b"\n.leading dot\n" in raw.replace(b"\r\n", b"\n"), "dot-unstuffed content")
    return qid


def recv_replies(sock, count, timeout=20):
    """Reads until count final reply lines ("ddd ") arrived."""
    data = b""
    end = time.monotonic() + timeout
    while data.count(b"\r\n") < 200 and time.monotonic() < end:
        finals = [ln for ln in data.split(b"\r\n") if re.match(rb"\d{3} ", ln)]
        if len(finals) >= count:
            return finals
        sock.settimeout(max(0.1, end - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return [ln for ln in data.split(b"\r\n") if re.match(rb"\d{3} ", ln)]


def test_pipelining(inst):
    subject = "pipelined " + unique_tag()
    rcpt = inst.user + "@localhost"
    with socket.create_connection(("127.0.0.1", inst.port("smtp")), timeout=20) as sock:
        check(recv_replies(sock, 1)[0].startswith(b"220 "), "greeting 220")
        sock.sendall(b"EHLO pipe.example\r\n")
        recv_replies(sock, 1)
        sock.sendall(b"MAIL FROM:<p@example.org>\r\nRCPT TO:<%s>\r\nRCPT TO:<ghost@localhost>\r\nDATA\r\n"
                     % rcpt.encode())
        replies = recv_replies(sock, 4)
        check([r[:3] for r in replies] == [b"250", b"250", b"550", b"354"],
              "pipelined MAIL/RCPT/RCPT/DATA: 250 250 550 354 (%s)" % replies)
        sock.sendall(b"Subject: %s\r\n\r\nbody\r\n.\r\nQUIT\r\n" % subject.encode())
        replies = recv_replies(sock, 2)
        check(len(replies) == 2 and re.match(rb"250 2\.0\.0 Ok: queued as \w+$", replies[0])
              and replies[1].startswith(b"221 "), "end of data 250 queued, QUIT 221 (%s)" % replies)
    got = wait_subject(inst, subject)
    check(len(got) == 1, "pipelined message delivered")


def test_rset_aborts(inst):
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.ehlo("rset.example")
        s.mail("r@example.org")
        s.rcpt(inst.user + "@localhost")
        code, _ = s.rset()
        check(code == 250, "RSET after RCPT 250")
    m = inst.wait_for_log(r"smtpd\[\d+\]: disconnect from localhost\[127\.0\.0\.1\] ehlo=1 mail=1 rcpt=1 rset=1 quit=1 commands=5")
    check(m is not None, "disconnect line after RSET session")


def test_log_lines(inst, qid):
    log = inst.log_text()
    check(re.search(r"smtpd\[\d+\]: connect from localhost\[127\.0\.0\.1\]", log) is not None,
          "connect from localhost[127.0.0.1]")
    check(re.search(r"smtpd\[\d+\]: %s: client=localhost\[127\.0\.0\.1\]" % qid, log) is not None,
          "%s: client=localhost[127.0.0.1]" % qid)
    check(re.search(r"cleanup\[\d+\]: %s: message-id=<" % qid, log) is not None, "cleanup message-id=")
    check(re.search(r"qmgr\[\d+\]: %s: from=<sender@example\.org>" % qid, log) is not None, "qmgr from=")
    check(inst.wait_for_log(r"local\[\d+\]: %s: to=<%s@example\.test>.*status=sent" % (qid, inst.user))
          is not None, "local to= status=sent")
    check(inst.wait_for_log(r"qmgr\[\d+\]: %s: removed" % qid) is not None, "qmgr removed")
    # the first RCPT opened the queue file: the refusal carries its id
    check(re.search(r"%s: reject: RCPT from localhost\[127\.0\.0\.1\]: 550 5\.1\.1 <nosuchuser@example\.test>" % qid, log)
          is not None, "QUEUEID: reject: RCPT line for the unknown user")
    check(re.search(r"smtpd\[\d+\]: disconnect from localhost\[127\.0\.0\.1\] ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6", log)
          is not None, "disconnect line with counts")


def send_one(inst, rcpt, subject):
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.ehlo("actions.example")
        s.mail("act@example.org")
        code, _ = s.rcpt(rcpt)
        check(code == 250, "RCPT %s 250" % rcpt)
        code, text = s.data(("Subject: %s\r\n\r\nx\r\n" % subject).encode())
        m = re.match(rb"2\.0\.0 Ok: queued as (\w+)$", text)
        check(code == 250 and m is not None, "%s: 250 queued (%d %s)" % (subject, code, text))
        return m.group(1).decode() if m else "NONE"


def test_policy_actions(inst):
    user = inst.user
    inst.set_params(smtpd_recipient_restrictions=(
        "check_recipient_access inline:{ {%s+held@example.test = HOLD test hold} "
        "{%s+gone@example.test = DISCARD test discard} "
        "{%s+tag@example.test = PREPEND X-Policy-Tag: tagged} }" % (user, user, user)))
    inst.reload()
    time.sleep(1)
    tag = unique_tag()
    qid = send_one(inst, user + "+held@example.test", "held " + tag)
    held = wait_for(lambda: [f for f in inst.queue_files("hold") if f.endswith(qid)], 10, step=0.1)
    check(bool(held), "HOLD action: %s is in the hold queue" % qid)
    send_one(inst, user + "+gone@example.test", "gone " + tag)
    send_one(inst, user + "+tag@example.test", "tagged " + tag)
    got = wait_subject(inst, "tagged " + tag)
    if check(len(got) == 1, "PREPEND message delivered"):
        check(header(got[0], "X-Policy-Tag") == [" tagged"] or header(got[0], "X-Policy-Tag") == ["tagged"],
              "PREPEND header present")
        names = [ln.split(b":")[0] for ln in got[0].split(b"\n") if ln and ln[:1] not in b" \t"]
        check(names.index(b"X-Policy-Tag") < names.index(b"Received"), "PREPEND header before Received:")
    check(not [m for m in inst.messages() if header(m, "Subject") in (["gone " + tag], ["held " + tag])],
          "DISCARD and HOLD messages were not delivered")
    inst.set_params(smtpd_recipient_restrictions="")


def relay_attempt(inst, expect_code, expect_text, what):
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.ehlo("outside.example")
        s.mail("spammer@example.org")
        code, text = s.rcpt("victim@elsewhere.example")
        check(code == expect_code and text == expect_text, "%s (%d %s)" % (what, code, text))


def test_relay_denied(inst):
    # default smtpd_relay_restrictions: defer_unauth_destination
    inst.set_params(mynetworks="192.0.2.0/24")
    inst.reload()
    time.sleep(1)
    relay_attempt(inst, 450, b"4.7.1 <victim@elsewhere.example>: Relay access denied",
                  "relay from outside mynetworks, default restrictions: 450 4.7.1")
    inst.set_params(smtpd_relay_restrictions="permit_mynetworks, reject_unauth_destination")
    inst.reload()
    time.sleep(1)
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.ehlo("outside.example")
        s.mail("spammer@example.org")
        code, text = s.rcpt("victim@elsewhere.example")
        check(code == 554 and text == b"5.7.1 <victim@elsewhere.example>: Relay access denied",
              "relay from outside mynetworks: 554 5.7.1 Relay access denied (%d %s)" % (code, text))
        code, _ = s.rcpt(inst.user + "@example.test")
        check(code == 250, "local recipient still accepted from outside mynetworks")
        code, text = s.data(b"Subject: after relay refusal\r\n\r\nx\r\n")
        check(code == 250, "message for the local recipient queued (%d %s)" % (code, text))
    check(len(wait_subject(inst, "after relay refusal")) == 1, "delivered after the relay refusal")
    check(re.search(r"NOQUEUE: reject: RCPT from localhost\[127\.0\.0\.1\]: 554 5\.7\.1 "
                    r"<victim@elsewhere\.example>: Relay access denied; from=<spammer@example\.org> "
                    r"to=<victim@elsewhere\.example> proto=ESMTP helo=<outside\.example>",
                    inst.log_text()) is not None, "NOQUEUE: reject: RCPT log line for the relay attempt")


def main():
    required = ("master", "postern", "smtpd", "cleanup", "qmgr", "local", "postalias")
    missing = [p for p in required if not os.access(os.path.join(BIN, p), os.X_OK)]
    if missing:
        print("smtpd daemon test: missing programs %s" % missing)
        return 1
    with MailInstance(BIN, params={"smtpd_error_sleep_time": "0"}) as inst:
        inst.start()
        qid = test_smtplib_delivery(inst)
        test_pipelining(inst)
        test_rset_aborts(inst)
        test_log_lines(inst, qid)
        test_policy_actions(inst)
        test_relay_denied(inst)
        check(inst.wait_queue_empty(), "incoming and active are empty at the end")
        code = inst.stop()
        check(code == 0, "master stopped with status 0")
        if failures:
            print(inst._tail(60))
    print("smtpd daemon: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
