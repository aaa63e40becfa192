#!/usr/bin/env python3
"""Integration test of the built cleanup, pickup and sendmail programs
against a temporary queue (no master):

  * cleanup -S (stand-alone, one client on stdin) speaking the cleanup
    protocol with a Python client: a message with pipelined content is
    committed into incoming/, logged "ID: message-id=<...>", and qmgr's
    trigger socket receives "W"; message_size_limit gives 5.3.4 and no
    file; a client that disconnects mid-message leaves no file.
  * sendmail -c DIR writes into maildrop/; pickup -S (woken with "W")
    replays it through cleanup (spawned per connection on
    QUEUE/public/cleanup) into incoming/ and logs "ID: uid=N from=<...>".

Usage: test_cleanup.py BIN_DIR LIBEXEC_DIR
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

BIN, LIBEXEC = sys.argv[1], sys.argv[2]
TIMEOUT = 20


def frame(attrs):
    body = struct.pack(">I", len(attrs))
    for name, value in attrs:
        if isinstance(value, int):
            value = str(value)
        if isinstance(value, str):
            value = value.encode()
        body += struct.pack(">I", len(name)) + name.encode()
        body += struct.pack(">I", len(value)) + value
    return struct.pack(">I", len(body)) + body


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def recv_frame(sock):
    (length,) = struct.unpack(">I", recv_exact(sock, 4))
    body = recv_exact(sock, length)
    (count,) = struct.unpack(">I", body[:4])
    pos, out = 4, {}
    for _ in range(count):
        (nl,) = struct.unpack(">I", body[pos:pos + 4])
        name = body[pos + 4:pos + 4 + nl].decode()
        pos += 4 + nl
        (vl,) = struct.unpack(">I", body[pos:pos + 4])
        out[name] = body[pos + 4:pos + 4 + vl].decode(errors="replace")
        pos += 4 + vl
    return out


class Instance:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cleanup-it-")
        self.conf = os.path.join(self.dir, "conf")
        self.queue = os.path.join(self.dir, "queue")
        self.log = os.path.join(self.dir, "maillog")
        os.mkdir(self.conf)
        for d in ("maildrop", "incoming", "active", "deferred", "hold", "corrupt",
                  "bounce", "defer", "trace", "public", "private", "pid"):
            os.makedirs(os.path.join(self.queue, d))
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(f"queue_directory = {self.queue}\nmaillog_file = {self.log}\n"
                    "myhostname = host.example\nmydomain = example\n"
                    "myorigin = origin.example\nmessage_size_limit = 5000\n")
        self.env = dict(os.environ, MAIL_CONFIG=self.conf)

    def files(self, queue):
        return sorted(n for n in os.listdir(os.path.join(self.queue, queue)))

    def logtext(self):
        try:
            with open(self.log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def cleanup_on(self, sock):
        return subprocess.Popen([os.path.join(LIBEXEC, "cleanup"), "-S"], stdin=sock,
                                env=self.env, stderr=subprocess.DEVNULL)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def request(sock, attrs):
    sock.sendall(frame(attrs))
    return recv_frame(sock)


def standalone_cleanup(inst):
    qmgr = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    qmgr.bind(os.path.join(inst.queue, "public", "qmgr"))
    qmgr.listen(5)
    qmgr.settimeout(TIMEOUT)

    ours, theirs = socket.socketpair()
    ours.settimeout(TIMEOUT)
    proc = inst.cleanup_on(theirs)
    theirs.close()
    check(recv_frame(ours) == {"protocol": "cleanup"}, "announcement")
    r = request(ours, [("request", "open"), ("flags", 1)])
    check(r["status"] == "0", f"open: {r}")
    qid = r["queue_id"]
    r = request(ours, [("request", "envelope"), ("sender", "u"), ("rcpt_count", 1),
                       ("rcpt_addr_0", "r@x.example"), ("rcpt_orig_0", "r@x.example"),
                       ("rcpt_notify_0", 0)])
    check(r["status"] == "0", f"envelope: {r}")
    text = b"Subject: it\n\nbody line\nsecond\n"
    chunks = [text[i:i + 3] for i in range(0, len(text), 3)]
    ours.sendall(b"".join(frame([("request", "content"), ("data", c)]) for c in chunks))
    for _ in chunks:
        check(recv_frame(ours)["status"] == "0", "content")
    r = request(ours, [("request", "finish")])
    check(r["status"] == "0" and r["queue_id"] == qid, f"finish: {r}")
    conn, _ = qmgr.accept()
    conn.settimeout(TIMEOUT)
    check(conn.recv(16) == b"W", "qmgr trigger")
    conn.close()
    check(qid in inst.files("incoming"), "queue file in incoming")
    with open(os.path.join(inst.queue, "incoming", qid), "rb") as f:
        data = f.read()
    check(b"body line" in data and b"u@origin.example" in data, "queue file content")

    # too big: 5.3.4, no file; the rest of the content is still read
    r = request(ours, [("request", "open"), ("flags", 0)])
    big_id = r["queue_id"]
    request(ours, [("request", "envelope"), ("sender", "s@x"), ("rcpt_count", 1),
                   ("rcpt_addr_0", "r@x"), ("rcpt_orig_0", "r@x"), ("rcpt_notify_0", 0)])
    for _ in range(3):
        check(request(ours, [("request", "content"), ("data", b"x" * 3000 + b"\n")])["status"] == "0",
              "content of a big message")
    r = request(ours, [("request", "finish")])
    check(r["status"] != "0" and r["dsn"] == "5.3.4" and r["reason"] == "message file too big",
          f"size limit: {r}")
    check(big_id not in inst.files("incoming"), "no file for a too big message")

    # disconnect in the middle of a message
    r = request(ours, [("request", "open"), ("flags", 0)])
    mid_id = r["queue_id"]
    request(ours, [("request", "envelope"), ("sender", "s@x"), ("rcpt_count", 1),
                   ("rcpt_addr_0", "r@x"), ("rcpt_orig_0", "r@x"), ("rcpt_notify_0", 0)])
    ours.close()
    check(proc.wait(TIMEOUT) == 0, "cleanup exit status")
    check(mid_id not in inst.files("incoming"), "no file after a disconnect")
    check(not [n for n in inst.files("incoming") if n.startswith("tmp")], "no temp files")
    check(f"{qid}: message-id=<" in inst.logtext(), "message-id log line")
    check(f"@host.example>" in inst.logtext(), "added Message-Id uses myhostname")
    qmgr.close()
    os.unlink(os.path.join(inst.queue, "public", "qmgr"))
    return qid


def serve_cleanup(inst, listener, stop):
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        except OSError:
            return
        proc = inst.cleanup_on(conn)
        conn.close()
        proc.wait(TIMEOUT)


def sendmail_pickup(inst, first_id):
    r = subprocess.run([os.path.join(BIN, "sendmail"), "-c", inst.conf, "-f", "joe",
                        "-F", "Joe", "dest@y.example"],
                       input=b"Subject: via pickup\r\n\r\nhello\r\n", timeout=TIMEOUT)
    check(r.returncode == 0, "sendmail exit status")
    check(len(inst.files("maildrop")) == 1, "maildrop file written")

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.path.join(inst.queue, "public", "cleanup"))
    listener.listen(5)
    listener.settimeout(0.2)
    stop = threading.Event()
    t = threading.Thread(target=serve_cleanup, args=(inst, listener, stop))
    t.start()
    try:
        r = subprocess.run([os.path.join(LIBEXEC, "pickup"), "-S"], input=b"W",
                           env=inst.env, timeout=TIMEOUT, stderr=subprocess.DEVNULL)
        check(r.returncode == 0, "pickup exit status")
    finally:
        stop.set()
        t.join(TIMEOUT)
        listener.close()
    check(inst.files("maildrop") == [], "maildrop emptied")
    new = [n for n in inst.files("incoming") if n != first_id]
    check(len(new) == 1, f"one new incoming file: {inst.files('incoming')}")
    log = inst.logtext()
    check(f"{new[0]}: uid={os.getuid()} from=<joe>" in log, f"pickup log line: {log}")
    with open(os.path.join(inst.queue, "incoming", new[0]), "rb") as f:
        data = f.read()
    check(b"From: Joe <joe@origin.example>" in data and b"hello" in data, "picked-up content")


def main():
    inst = Instance()
    try:
        qid = standalone_cleanup(inst)
        sendmail_pickup(inst, qid)
    finally:
        subprocess.run(["rm", "-rf", inst.dir])
    print("cleanup integration: ok")


if __name__ == "__main__":
    main()
