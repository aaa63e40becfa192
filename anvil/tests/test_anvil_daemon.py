#!/usr/bin/env python3
"""test_anvil_daemon.py - anvil and smtpd's client limits on a started
instance (tests/integration/mail_path's MailInstance): with
smtpd_client_connection_count_limit = 2 a third simultaneous connection
from 127.0.0.1 gets "421 4.7.0 HOST Error: too many connections from
127.0.0.1" instead of the greeting, while 127.0.0.3 (counted apart) and
127.0.0.2 (in smtpd_client_event_limit_exceptions) are served; the
message and recipient rate limits give 450 4.7.1; the connection rate
limit gives 421; each refusal logs Postfix's warning line. A second
instance without anvil in master.cf still serves mail and logs a
warning. anvil logs its statistics every anvil_status_update_time.
Usage: test_anvil_daemon.py BIN_DIR"""
import os
import re
import smtplib
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "mail_path"))
from mail_instance import MailInstance  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def loopback_ok(addr):
    try:
        with socket.socket() as s:
            s.bind((addr, 0))
        return True
    except OSError:
        return False


class Client:
    """A raw SMTP connection from a chosen source address."""

    def __init__(self, port, source="127.0.0.1"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20,
                                             source_address=(source, 0))
        self.data = b""

    def reply(self, timeout=20):
        """The next complete reply (all lines), as bytes; b"" at end of input."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(rb"(?:^|\r\n)(\d{3}) [^\r\n]*\r\n", self.data)
            if m:
                out, self.data = self.data[:m.end()], self.data[m.end():]
                return out.split(b"\r\n")[-2]
            self.sock.settimeout(max(0.1, end - time.monotonic()))
            chunk = self.sock.recv(4096)
            if not chunk:
                return b""
            self.data += chunk
        return b""

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reply()

    def close(self):
        self.sock.close()


def test_connection_count(inst, port):
    offset = len(inst.log_text())
    a = Client(port)
    b = Client(port)
    check(a.reply().startswith(b"220 ") and b.reply().startswith(b"220 "),
          "two connections from 127.0.0.1 greeted")
    c = Client(port)
    r = c.reply()
    check(r == b"421 4.7.0 postern.test Error: too many connections from 127.0.0.1",
          "third connection: 421 4.7.0 too many connections (%r)" % r)
    check(c.reply() == b"", "refused connection closed")
    m = inst.wait_for_log(r"warning: Connection concurrency limit exceeded: 3 from \S+\[127\.0\.0\.1\] "
                          r"for service 127\.0\.0\.1:%d" % port, start=offset)
    check(m is not None, "warning: Connection concurrency limit exceeded: 3 from NAME[127.0.0.1]")
    m = inst.wait_for_log(r"disconnect from \S+\[127\.0\.0\.1\] commands=0/0", start=offset)
    check(m is not None, "refused connection logs disconnect ... commands=0/0")
    if loopback_ok("127.0.0.3"):
        d = Client(port, "127.0.0.3")
        check(d.reply().startswith(b"220 "), "127.0.0.3 is counted apart: greeted")
        d.cmd("QUIT")
        d.close()
    if loopback_ok("127.0.0.2"):
        held = [Client(port, "127.0.0.2") for _ in range(3)]
        check(all(h.reply().startswith(b"220 ") for h in held),
              "127.0.0.2 (smtpd_client_event_limit_exceptions): 3 connections greeted")
        for h in held:
            h.close()
    for x in (a, b, c):
        x.close()
    # the counts go down when the sessions end
    time.sleep(0.5)
    e = Client(port)
    check(e.reply().startswith(b"220 "), "after the others closed, 127.0.0.1 is greeted again")
    return e


def test_message_and_recipient_rate(inst, e):
    offset = len(inst.log_text())
    e.cmd("EHLO rate.example")
    got = [e.cmd("MAIL FROM:<a@example.org>")]
    e.cmd("RSET")
    got.append(e.cmd("MAIL FROM:<a@example.org>"))
    check(all(g.startswith(b"250 ") for g in got), "two MAIL commands accepted (%s)" % got)
    rcpts = [e.cmd("RCPT TO:<%s@localhost>" % inst.user) for _ in range(4)]
    check([r[:3] for r in rcpts] == [b"250", b"250", b"250", b"450"]
          and rcpts[3] == b"450 4.7.1 Error: too many recipients from 127.0.0.1",
          "fourth RCPT: 450 4.7.1 Error: too many recipients from 127.0.0.1 (%s)" % rcpts)
    e.cmd("RSET")
    r = e.cmd("MAIL FROM:<a@example.org>")
    check(r == b"450 4.7.1 Error: too much mail from 127.0.0.1",
          "third MAIL: 450 4.7.1 Error: too much mail from 127.0.0.1 (%r)" % r)
    check(inst.wait_for_log(r"warning: Recipient address rate limit exceeded: 4 from \S+\[127\.0\.0\.1\] "
                            r"for service \S+", start=offset) is not None,
          "warning: Recipient address rate limit exceeded: 4 from ...")
    check(inst.wait_for_log(r"warning: Message delivery request rate limit exceeded: 3 from "
                            r"\S+\[127\.0\.0\.1\] for service \S+", start=offset) is not None,
          "warning: Message delivery request rate limit exceeded: 3 from ...")
    e.cmd("QUIT")
    e.close()


def test_connection_rate(inst, port):
    # some connections from 127.0.0.1 were made already in this window
    # (the harness's own port probe among them); the limit is 6
    offset = len(inst.log_text())
    seen = []
    for _ in range(4):
        c = Client(port)
        seen.append(c.reply()[:3])
        c.close()
        time.sleep(0.1)
    greeted = seen.count(b"220")
    check(greeted >= 1 and seen == [b"220"] * greeted + [b"421"] * (4 - greeted) and greeted < 4,
          "connections beyond the rate limit refused with 421 (%s)" % seen)
    check(inst.wait_for_log(r"warning: Connection rate limit exceeded: 7 from \S+\[127\.0\.0\.1\] "
                            r"for service \S+", start=offset) is not None,
          "warning: Connection rate limit exceeded: 7 from ...")


def test_statistics(inst, port):
    m = inst.wait_for_log(r"anvil\[\d+\]: statistics: max connection count 3 for "
                          r"\(127\.0\.0\.1:%d:127\.0\.0\.1\) at " % port, timeout=10)
    check(m is not None, "anvil logs statistics: max connection count 3 for (SERVICE:127.0.0.1)")
    m = inst.wait_for_log(r"anvil\[\d+\]: statistics: max connection rate \d+/300s for ", timeout=10)
    check(m is not None, "anvil logs statistics: max connection rate N/300s")


def auth_attempt(port, source, password):
    """One connection, AUTH PLAIN; returns (code, seconds the AUTH took)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=60, source_address=(source, 0)) as s:
        s.ehlo("auth.example")
        s.user, s.password = "ann", password
        start = time.monotonic()
        try:
            code, _ = s.auth("PLAIN", s.auth_plain)
        except smtplib.SMTPAuthenticationError as e:
            code = e.smtp_code
        except smtplib.SMTPServerDisconnected:
            code = -1
        return code, time.monotonic() - start


def test_auth_limits():
    """AUTH through Postern's auth service on smtpd (loopback, no TLS)."""
    inst = MailInstance(BIN)
    try:
        passwd = os.path.join(inst.root, "passwd")
        with open(passwd, "w") as f:
            f.write("ann:{PLAIN}ann-secret\n")
        os.chmod(passwd, 0o644)
        inst.extra_params.update({
            "smtpd_sasl_auth_enable": "yes", "smtpd_sasl_type": "dovecot",
            "smtpd_sasl_path": "private/auth", "auth_passwd_file": passwd,
            "auth_failure_delay": "0", "smtpd_client_event_limit_exceptions": "",
            "smtpd_client_auth_rate_limit": "25",
            "smtpd_client_auth_failure_limit": "3", "smtpd_client_auth_failure_delay": "1s",
            "smtpd_client_auth_failure_lockout_limit": "6",
            "smtpd_client_auth_failure_lockout_time": "60s",
        })
        inst.start()
        port = inst.port("smtp")
        offset = len(inst.log_text())
        results = [auth_attempt(port, "127.0.0.1", "wrong") for _ in range(30)]
        codes = [c for c, _ in results]
        times = ["%.1f" % t for _, t in results]
        print("     codes %s\n     times %s" % (codes, times), flush=True)
        check(codes[:6] == [535] * 6 and all(c == 421 for c in codes[6:]),
              "30 wrong passwords: 6 x 535, then 421 for the rest")
        check(all(t < 0.9 for _, t in results[:3]) and all(t >= 0.9 for _, t in results[3:6])
              and results[5][1] > results[4][1] > results[3][1],
              "the 4th to 6th attempts wait longer and longer (%s)" % times[:6])
        check(inst.wait_for_log(r"warning: auth failure back-off: 5 failures from \S+\[127\.0\.0\.1\] "
                                r"for service \S+, AUTH delayed by 3s", start=offset) is not None,
              "log: auth failure back-off: 5 failures from NAME[127.0.0.1] ..., AUTH delayed by 3s")
        check(inst.wait_for_log(r"warning: auth failure limit exceeded: 6 failures from \S+\[127\.0\.0\.1\] "
                                r"for service \S+, locked out for 60s", start=offset) is not None,
              "log: auth failure limit exceeded: 6 failures from NAME[127.0.0.1] ..., locked out for 60s")
        check(inst.wait_for_log(r"warning: auth failure lockout: AUTH refused from \S+\[127\.0\.0\.1\] "
                                r"for service \S+, \d+s left", start=offset) is not None,
              "log: auth failure lockout: AUTH refused from NAME[127.0.0.1] ...")
        code, _ = auth_attempt(port, "127.0.0.1", "ann-secret")
        check(code == 421, "locked out: even the right password gets 421 (%s)" % code)
        if loopback_ok("127.0.0.2"):
            code, _ = auth_attempt(port, "127.0.0.2", "ann-secret")
            check(code == 235, "127.0.0.2 still logs in: 235 (%s)" % code)
        if loopback_ok("127.0.0.3"):
            got = []
            for _ in range(3):
                c = Client(port, "127.0.0.3")
                c.reply()
                c.cmd("EHLO rate.example")
                got += [c.cmd("AUTH BOGUS") for _ in range(9)]
                c.close()
            check(got[:25] == [b"504 5.5.4 Unsupported authentication mechanism"] * 25
                  and got[25] == b"450 4.7.1 Error: too many AUTH commands from 127.0.0.3",
                  "smtpd_client_auth_rate_limit 25: the 26th AUTH gets 450 4.7.1 (%s)" % got[24:27])
            check(inst.wait_for_log(r"warning: AUTH command rate limit exceeded: 26 from "
                                    r"\S+\[127\.0\.0\.3\] for service \S+", start=offset) is not None,
                  "log: AUTH command rate limit exceeded: 26 from NAME[127.0.0.3]")
    finally:
        inst.cleanup()


def test_without_anvil():
    inst = MailInstance(BIN, params={"smtpd_client_event_limit_exceptions": ""})
    try:
        with open(os.path.join(inst.src_dir, "conf", "master.cf")) as f:
            inst.master_cf_text = "\n".join(ln for ln in f.read().split("\n")
                                            if not ln.startswith("anvil "))
        inst.start()
        c = Client(inst.port("smtp"))
        r = c.reply()
        check(r.startswith(b"220 "), "without anvil: the client is served (%r)" % r)
        c.cmd("QUIT")
        c.close()
        check(inst.wait_for_log(r"warning: problem talking to server private/anvil") is not None,
              "without anvil: warning: problem talking to server private/anvil")
    finally:
        inst.cleanup()


def main():
    inst = MailInstance(BIN, params={
        "smtpd_client_connection_count_limit": "2",
        "smtpd_client_connection_rate_limit": "6",
        "smtpd_client_message_rate_limit": "2",
        "smtpd_client_recipient_rate_limit": "3",
        "smtpd_client_event_limit_exceptions": "127.0.0.2",
        "anvil_rate_time_unit": "300s",
        "anvil_status_update_time": "2s",
    })
    try:
        inst.start()
        port = inst.port("smtp")
        e = test_connection_count(inst, port)
        test_message_and_recipient_rate(inst, e)
        test_connection_rate(inst, port)
        test_statistics(inst, port)
    finally:
        inst.cleanup()
    test_auth_limits()
    test_without_anvil()
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
