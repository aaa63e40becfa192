"""smtp_sink.py - counting SMTP sinks on loopback for the relay tests.

Sink(delay) listens on a free port of 127.0.0.1 and accepts every message
(ESMTP with PIPELINING and 8BITMIME, "250 2.0.0 Ok: queued" after DATA,
after sleeping `delay` seconds to make concurrency visible). It counts,
under a lock: sessions open now and at most, sessions inside a mail
transaction (MAIL FROM up to the end of DATA or RSET) now and at most,
and messages received. A connection that says nothing for 60 seconds is
closed; stop() closes the listener and waits (bounded) for its threads.
"""
import socket
import socketserver
import threading
import time


class _Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        sink.change("sessions", 1)
        in_txn = False
        try:
            self.reply("220 sink.test ESMTP")
            while True:
                line = self.rfile.readline(4096)
                if not line:
                    break
                verb = line.strip().split(b" ", 1)[0].upper()
                if verb == b"EHLO":
                    self.wfile.write(b"250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n")
                    self.reply("250 SIZE 100000000")
                elif verb == b"HELO":
                    self.reply("250 sink.test")
                elif verb == b"MAIL":
                    if not in_txn:
                        in_txn = True
                        sink.change("busy", 1)
                    self.reply("250 2.1.0 Ok")
                elif verb == b"RCPT":
                    self.reply("250 2.1.5 Ok")
                elif verb == b"DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    while True:
                        data = self.rfile.readline(65536)
                        if not data or data in (b".\r\n", b".\n"):
                            break
                    if not data:
                        break
                    if sink.delay:
                        time.sleep(sink.delay)
                    sink.change("messages", 1)
                    if in_txn:
                        in_txn = False
                        sink.change("busy", -1)
                    self.reply("250 2.0.0 Ok: queued")
                elif verb == b"RSET":
                    if in_txn:
                        in_txn = False
                        sink.change("busy", -1)
                    self.reply("250 2.0.0 Ok")
                elif verb == b"NOOP":
                    self.reply("250 2.0.0 Ok")
                elif verb == b"QUIT":
                    self.reply("221 2.0.0 Bye")
                    break
                else:
                    self.reply("502 5.5.2 Error: command not recognized")
        except (OSError, socket.timeout):
            pass
        finally:
            if in_txn:
                sink.change("busy", -1)
            sink.change("sessions", -1)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Sink:
    def __init__(self, delay=0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.now = {"sessions": 0, "busy": 0, "messages": 0}
        self.max = {"sessions": 0, "busy": 0, "messages": 0}
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def change(self, what, delta):
        with self.lock:
            self.now[what] += delta
            if self.now[what] > self.max[what]:
                self.max[what] = self.now[what]

    @property
    def messages(self):
        with self.lock:
            return self.now["messages"]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)
