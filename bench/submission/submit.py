#!/usr/bin/env python3
"""submit.py - authenticated submission load for bench/submission/run.sh.
Usage: submit.py PORT SECONDS WORKERS MAX_SESSIONS USER PASSWORD RCPT
WORKERS processes each loop: connect to 127.0.0.1:PORT, 220 greeting,
EHLO, STARTTLS, full TLS handshake (no resumption), EHLO, AUTH PLAIN,
MAIL FROM:<USER>, RCPT TO:<RCPT>, DATA with a small message, QUIT. A
session counts when the end of DATA gets a 250. Stops after SECONDS or
MAX_SESSIONS sessions in all, whichever comes first. Prints
"COMPLETED ELAPSED FAILURES FIRST_ERROR" (FIRST_ERROR: "-" or the first
unexpected reply, for the shell script's message)."""
import base64
import multiprocessing
import socket
import ssl
import sys
import time

BODY = (b"From: <%s>\r\nTo: <%s>\r\nSubject: bench\r\n\r\n"
        + b"submission benchmark line\r\n" * 20 + b".\r\n")


class Refused(Exception):
    pass


def reply(f):
    while True:
        line = f.readline(2048)
        if not line:
            raise ConnectionError("closed")
        if line[3:4] != b"-":
            return line


def expect(f, code, what):
    line = reply(f)
    if not line.startswith(code):
        raise Refused("%s: %s" % (what, line.decode("ascii", "replace").strip()))


def one_session(port, ctx, user, password, rcpt):
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        f = raw.makefile("rb")
        expect(f, b"220", "greeting")
        raw.sendall(b"EHLO bench.example\r\n")
        expect(f, b"250", "EHLO")
        raw.sendall(b"STARTTLS\r\n")
        expect(f, b"220", "STARTTLS")
        with ctx.wrap_socket(raw, server_hostname="bench.test") as s:
            f = s.makefile("rb")
            token = base64.b64encode(b"\0" + user + b"\0" + password)
            s.sendall(b"EHLO bench.example\r\n")
            expect(f, b"250", "EHLO after TLS")
            s.sendall(b"AUTH PLAIN " + token + b"\r\n")
            expect(f, b"235", "AUTH")
            s.sendall(b"MAIL FROM:<" + user + b">\r\n")
            expect(f, b"250", "MAIL")
            s.sendall(b"RCPT TO:<" + rcpt + b">\r\n")
            expect(f, b"250", "RCPT")
            s.sendall(b"DATA\r\n")
            expect(f, b"354", "DATA")
            s.sendall(BODY % (user, rcpt))
            expect(f, b"250", "end of DATA")
            s.sendall(b"QUIT\r\n")
            try:
                reply(f)
            except (OSError, ConnectionError):
                pass


def worker(args, deadline, budget, counter, failures, first_error):
    port, user, password, rcpt = args
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    while time.monotonic() < deadline:
        with budget.get_lock():
            if budget.value <= 0:
                return
            budget.value -= 1
        try:
            one_session(port, ctx, user, password, rcpt)
            with counter.get_lock():
                counter.value += 1
        except (OSError, ssl.SSLError, ConnectionError, Refused) as e:
            with failures.get_lock():
                failures.value += 1
                if not first_error.value:
                    first_error.value = str(e).encode("ascii", "replace")[:200]


def main():
    port, seconds, workers, limit = (int(a) for a in sys.argv[1:5])
    user, password, rcpt = (a.encode() for a in sys.argv[5:8])
    counter = multiprocessing.Value("i", 0)
    failures = multiprocessing.Value("i", 0)
    budget = multiprocessing.Value("i", limit)
    first_error = multiprocessing.Array("c", 256)
    start = time.monotonic()
    deadline = start + seconds
    procs = [multiprocessing.Process(target=worker,
                                     args=((port, user, password, rcpt), deadline, budget,
                                           counter, failures, first_error))
             for _ in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(seconds + 60)
        if p.is_alive():
            p.terminate()
    err = first_error.value.decode("ascii", "replace").replace(" ", "_") or "-"
    print(counter.value, "%.3f" % (time.monotonic() - start), failures.value, err)


if __name__ == "__main__":
    main()
