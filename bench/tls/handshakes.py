#!/usr/bin/env python3
"""handshakes.py - STARTTLS handshake load for bench/tls/run.sh.
Usage: handshakes.py PORT SECONDS WORKERS MAX_SESSIONS
WORKERS processes each loop: connect to 127.0.0.1:PORT, read the 220
greeting, EHLO, STARTTLS, a full TLS handshake (no session resumption),
QUIT. Stops after SECONDS or MAX_SESSIONS sessions in all, whichever
comes first. Prints "SESSIONS ELAPSED FAILURES" (failures: sessions that
did not reach the handshake's end)."""
import multiprocessing
import socket
import ssl
import sys
import time


def reply(f):
    while True:
        line = f.readline()
        if not line:
            raise ConnectionError("closed")
        if line[3:4] != b"-":
            return line


def one_session(port, ctx):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        f = s.makefile("rb")
        reply(f)
        s.sendall(b"EHLO bench.example\r\n")
        reply(f)
        s.sendall(b"STARTTLS\r\n")
        if not reply(f).startswith(b"220"):
            raise ConnectionError("STARTTLS refused")
        t = ctx.wrap_socket(s, server_hostname="bench.test")
        t.sendall(b"QUIT\r\n")
        t.recv(100)
        t.close()


def worker(port, deadline, budget, counter, failures):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    while time.monotonic() < deadline:
        with budget.get_lock():
            if budget.value <= 0:
                return
            budget.value -= 1
        try:
            one_session(port, ctx)
            with counter.get_lock():
                counter.value += 1
        except (OSError, ssl.SSLError, ConnectionError):
            with failures.get_lock():
                failures.value += 1


def main():
    port, seconds, workers, limit = (int(a) for a in sys.argv[1:5])
    counter = multiprocessing.Value("i", 0)
    failures = multiprocessing.Value("i", 0)
    budget = multiprocessing.Value("i", limit)
    start = time.monotonic()
    deadline = start + seconds
    procs = [multiprocessing.Process(target=worker, args=(port, deadline, budget, counter, failures))
             for _ in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(seconds + 30)
        if p.is_alive():
            p.terminate()
    print(counter.value, "%.3f" % (time.monotonic() - start), failures.value)


if __name__ == "__main__":
    main()
