"""fake_smtpd.py - a small scripted SMTP server for the smtp agent's
integration tests: it listens on 127.0.0.1 (free port), serves each
connection in a thread and records what the client did.

FakeSMTPD(options) with options:
  greeting     the greeting line (default "220 fake.test ESMTP")
  ehlo_reject  answer EHLO with 502 (the client must fall back to HELO)
  extensions   EHLO keywords (default PIPELINING, SIZE, 8BITMIME, DSN,
               ENHANCEDSTATUSCODES)
  tls_context  an ssl.SSLContext: STARTTLS is offered and done with it
  tls_break    STARTTLS is offered, answered 220, then the connection is
               closed (a failed handshake)
  auth         (user, password): AUTH PLAIN is offered (after TLS when
               tls_context is set) and required before MAIL
RCPT replies follow the local part: "bounce..." 550 5.1.1, "defer..."
450 4.2.0, anything else 250 2.1.5.

Recorded: sessions (one dict per connection: "commands" in order,
"batches" = lines that were waiting together before the server replied,
"tls", "auth"), messages (envelope and content of each accepted DATA).
Every wait is bounded; stop() closes the listener and joins the threads.
"""
import base64
import socket
import ssl
import threading
import time


class FakeSMTPD:
    def __init__(self, **options):
        self.opt = options
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.sessions = []
        self.messages = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = []
        self.acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self.acceptor.start()

    def stop(self):
        self.running = False
        self.acceptor.join(5)
        for t in self.threads:
            t.join(5)
        self.sock.close()

    def _accept_loop(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, conn):
        session = {"commands": [], "batches": [], "tls": False, "auth": None}
        with self.lock:
            self.sessions.append(session)
        try:
            Conversation(self, conn, session).run()
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass


class Conversation:
    def __init__(self, server, conn, session):
        self.srv = server
        self.opt = server.opt
        self.conn = conn
        self.conn.settimeout(10)
        self.session = session
        self.buf = b""
        self.mail = None
        self.rcpts = []
        self.authed = False

    def send(self, text):
        self.conn.sendall(text.encode() + b"\r\n")

    def fill(self):
        data = self.conn.recv(65536)
        if not data:
            raise ValueError("closed")
        self.buf += data

    def lines(self):
        """The complete lines waiting now; after the first one, waits up
        to 0.3 s for more (so a pipelined group shows up as one batch)."""
        while b"\n" not in self.buf:
            self.fill()
        deadline = time.monotonic() + 0.3
        while time.monotonic() < deadline:
            self.conn.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self.fill()
            except socket.timeout:
                break
        self.conn.settimeout(10)
        out = []
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            out.append(line.rstrip(b"\r").decode("utf-8", "replace"))
        return out

    def ehlo_lines(self):
        ext = list(self.opt.get("extensions",
                                ["PIPELINING", "SIZE 10240000", "8BITMIME", "DSN",
                                 "ENHANCEDSTATUSCODES"]))
        if (self.opt.get("tls_context") or self.opt.get("tls_break")) and not self.session["tls"]:
            ext.append("STARTTLS")
        if self.opt.get("auth") and (self.session["tls"] or not self.opt.get("tls_context")):
            ext.append("AUTH PLAIN LOGIN")
        return ["fake.test"] + ext

    def run(self):
        self.send(self.opt.get("greeting", "220 fake.test ESMTP"))
        while True:
            batch = self.lines()
            self.session["batches"].append([l.split(" ")[0].upper() for l in batch])
            for i, line in enumerate(batch):
                self.session["commands"].append(line)
                verb = line.split(" ")[0].upper()
                if verb == "DATA" and self.mail and self.rcpts:
                    self.send("354 End data with <CR><LF>.<CR><LF>")
                    self.buf = "".join(l + "\r\n" for l in batch[i + 1:]).encode() + self.buf
                    self.data()
                    break
                if verb == "STARTTLS" and self.opt.get("tls_break"):
                    self.session["commands"].append("<broken handshake>")
                    self.send("220 2.0.0 Ready to start TLS")
                    return
                if verb == "STARTTLS" and self.opt.get("tls_context"):
                    self.send("220 2.0.0 Ready to start TLS")
                    self.conn = self.opt["tls_context"].wrap_socket(self.conn, server_side=True)
                    self.session["tls"] = True
                    self.buf = b""
                    break
                if self.command(verb, line) == "quit":
                    return

    def command(self, verb, line):
        if verb == "EHLO":
            if self.opt.get("ehlo_reject"):
                self.send("502 5.5.2 Error: command not recognized")
                return None
            lines = self.ehlo_lines()
            for l in lines[:-1]:
                self.send("250-" + l)
            self.send("250 " + lines[-1])
        elif verb == "HELO":
            self.send("250 fake.test")
        elif verb == "AUTH":
            self.auth(line)
        elif verb == "MAIL":
            if self.opt.get("auth") and not self.authed:
                self.send("530 5.7.0 Authentication required")
                return None
            self.mail, self.rcpts = line, []
            self.send("250 2.1.0 Ok")
        elif verb == "RCPT":
            self.rcpt(line)
        elif verb == "DATA":
            self.send("554 5.5.1 Error: no valid recipients")
        elif verb == "RSET":
            self.mail, self.rcpts = None, []
            self.send("250 2.0.0 Ok")
        elif verb == "QUIT":
            self.send("221 2.0.0 Bye")
            return "quit"
        else:
            self.send("502 5.5.2 Error: command not recognized")
        return None

    def rcpt(self, line):
        if not self.mail:
            self.send("503 5.5.1 Error: need MAIL command")
            return
        addr = line.split("<", 1)[1].split(">", 1)[0] if "<" in line else ""
        local = addr.split("@")[0]
        if local.startswith("bounce"):
            self.send("550 5.1.1 <%s>: Recipient address rejected: User unknown" % addr)
        elif local.startswith("defer"):
            self.send("450 4.2.0 <%s>: Recipient address rejected: try again later" % addr)
        else:
            self.rcpts.append(line)
            self.send("250 2.1.5 Ok")

    def auth(self, line):
        words = line.split(" ")
        user, password = self.opt.get("auth", (None, None))
        if len(words) >= 2 and words[1].upper() == "PLAIN":
            if len(words) == 2:
                self.send("334 ")
                answer = self.lines()[0]
            else:
                answer = words[2]
            try:
                parts = base64.b64decode(answer).split(b"\0")
            except ValueError:
                parts = []
            if len(parts) == 3 and parts[1].decode() == user and parts[2].decode() == password:
                self.authed = True
                self.session["auth"] = ("PLAIN", user)
                self.send("235 2.7.0 Authentication successful")
                return
        self.send("535 5.7.8 Error: authentication failed")

    def data(self):
        while b"\r\n.\r\n" not in b"\r\n" + self.buf:
            self.fill()
        raw, self.buf = (b"\r\n" + self.buf).split(b"\r\n.\r\n", 1)
        raw = raw[2:] + b"\r\n" if len(raw) > 2 else b""   # the CRLF before "." ends the last line
        content = b"\r\n".join(l[1:] if l.startswith(b".") else l for l in raw.split(b"\r\n"))
        with self.srv.lock:
            self.srv.messages.append({"mail": self.mail, "rcpts": list(self.rcpts),
                                      "content": content})
            n = len(self.srv.messages)
        self.send("250 2.0.0 Ok: queued as FAKE%d" % n)
        self.mail, self.rcpts = None, []
