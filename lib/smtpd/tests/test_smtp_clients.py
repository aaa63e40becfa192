#!/usr/bin/env python3
"""test_smtp_clients.py - integration test of the smtpd session engine with
real clients: Python's smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, VRFY,
QUIT) and raw sockets for pipelining and the SMTP smuggling patterns.
Usage: test_smtp_clients.py PATH-TO-smtpd_harness
Binds 127.0.0.1 only; the harness exits after its sessions or 60 s."""
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

SESSIONS = 4


def start(harness, tmp):
    portfile = os.path.join(tmp, "port")
    proc = subprocess.Popen([harness, portfile, tmp, str(SESSIONS)])
    for _ in range(100):
        if os.path.exists(portfile) and open(portfile).read().endswith("\n"):
            return proc, int(open(portfile).read())
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("harness did not start")


def read_reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise AssertionError("connection closed, got %r" % lines)
        lines.append(line.decode())
        if line[3:4] == b" ":
            return lines


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main():
    harness = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start(harness, tmp)
        try:
            # 1: smtplib, the ordinary way
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as c:
                code, msg = c.ehlo("client.example")
                check(code == 250 and b"PIPELINING" in msg and b"CHUNKING" in msg, msg)
                check(c.has_extn("size") and c.esmtp_features["size"] == "10240000", "size")
                check(c.noop()[0] == 250, "noop")
                check(c.verify("user@example.com")[0] == 252, "vrfy")
                refused = c.sendmail("a@example.org", ["b@example.com", "c@example.com"],
                                     "Subject: one\r\n\r\n.leading dot\r\nbody\r\n")
                check(refused == {}, refused)
                check(c.rset()[0] == 250, "rset")
                check(c.docmd("MAIL FROM:<x@y> SIZE=999999999")[0] == 552, "size limit")
            # 2: pipelined MAIL/RCPT/DATA in one write (allowed after EHLO)
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            f = s.makefile("rb")
            check(read_reply(f)[0].startswith("220 "), "greeting")
            s.sendall(b"EHLO c\r\n")
            read_reply(f)
            s.sendall(b"MAIL FROM:<p@q>\r\nRCPT TO:<r@s>\r\nDATA\r\n")
            check(read_reply(f) == ["250 2.1.0 Ok\r\n"], "mail")
            check(read_reply(f) == ["250 2.1.5 Ok\r\n"], "rcpt")
            check(read_reply(f)[0].startswith("354 "), "354")
            # the smuggling patterns stay inside this one message
            s.sendall(b"Subject: two\r\n\r\nx\n.\nMAIL FROM:<evil@q>\r\n"
                      b"y\r\n.\nz\r.\rw\r\n.\r\n")
            check(read_reply(f)[0].startswith("250 2.0.0 Ok: queued as TEST2"), "queued")
            s.sendall(b"QUIT\r\n")
            check(read_reply(f) == ["221 2.0.0 Bye\r\n"], "bye")
            s.close()
            # 3: content pipelined with DATA is refused (554 5.5.0)
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            f = s.makefile("rb")
            read_reply(f)
            s.sendall(b"EHLO c\r\n")
            read_reply(f)
            s.sendall(b"MAIL FROM:<p@q>\r\nRCPT TO:<r@s>\r\n")
            read_reply(f)
            read_reply(f)
            s.sendall(b"DATA\r\nSubject: too early\r\n.\r\n")
            check(read_reply(f)[0].startswith("554 5.5.0 "), "pipelining")
            s.close()
            # 4: BDAT
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            f = s.makefile("rb")
            read_reply(f)
            s.sendall(b"EHLO c\r\n")
            read_reply(f)
            s.sendall(b"MAIL FROM:<b@d>\r\nRCPT TO:<a@t>\r\nBDAT 10\r\nSubject: 3BDAT 8 LAST\r\n\r\n\r\nhi\r\n")
            check(read_reply(f) == ["250 2.1.0 Ok\r\n"], "bdat mail")
            check(read_reply(f) == ["250 2.1.5 Ok\r\n"], "bdat rcpt")
            check(read_reply(f) == ["250 2.0.0 Ok: 10 bytes\r\n"], "bdat chunk")
            check(read_reply(f) == ["250 2.0.0 Ok: 18 bytes queued as TEST3\r\n"], "bdat last")
            s.sendall(b"QUIT\r\n")
            read_reply(f)
            s.close()
            proc.wait(timeout=20)
            check(proc.returncode == 0, "harness exit %s" % proc.returncode)
            one = open(os.path.join(tmp, "1"), newline="").read()
            check(one == "from=<a@example.org>\nto=<b@example.com>\nto=<c@example.com>\n\n"
                  "Subject: one\n\n.leading dot\nbody\n", repr(one))
            two = open(os.path.join(tmp, "2"), newline="").read()
            check(two == "from=<p@q>\nto=<r@s>\n\nSubject: two\n\nx\n.\nMAIL FROM:<evil@q>\n"
                  "y\n.\nz\r.\rw\n", repr(two))
            three = open(os.path.join(tmp, "3"), newline="").read()
            check(three == "from=<b@d>\nto=<a@t>\n\nSubject: 3\n\nhi\n", repr(three))
            check(not os.path.exists(os.path.join(tmp, "4")), "no fourth message")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    print("smtp clients: ok")


if __name__ == "__main__":
    main()
