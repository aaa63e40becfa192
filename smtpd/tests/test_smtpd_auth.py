#!/usr/bin/env python3
"""test_smtpd_auth.py - SMTP AUTH of the smtpd daemon on a started
instance (tests/integration/mail_path's MailInstance), with smtplib:

(a) smtpd_sasl_type = dovecot against a small Dovecot-protocol auth
    server in this test (a thread on QUEUE/private/auth, users joe and
    alice): no AUTH while smtpd_sasl_auth_enable = no; AUTH PLAIN (with
    and without an initial response), LOGIN and CRAM-MD5; wrong password
    535 5.7.8 and the warning line fail2ban's postfix-sasl filter
    matches; relay refused 554 5.7.1 without AUTH and allowed after it;
    sender/login mismatch 553 5.7.1; the client= line with sasl_method
    and sasl_username; Received: with ESMTPA and "(Authenticated sender:
    joe)"; from a non-loopback address no plaintext mechanism is offered;
    the request the auth server saw (service=smtp, rip, lip).
(b) smtpd_sasl_type = cyrus with a sasldb made by saslpasswd2 and an
    smtpd.conf (pwcheck_method: auxprop, auxprop_plugin: sasldb,
    mech_list: PLAIN LOGIN CRAM-MD5): PLAIN, LOGIN, CRAM-MD5, wrong
    password, the login in the client= line.
(c) a real Dovecot 2.3 (dovecot-core, its auth service only, passwd-file)
    through smtpd_sasl_path = its auth-client socket: PLAIN, LOGIN,
    CRAM-MD5, wrong password (skipped when not root).
(d) Postern's own auth service (auth/, private/auth) with a passwd-file
    of a {PLAIN} and a SHA512-CRYPT user: PLAIN, LOGIN, CRAM-MD5, wrong
    password.
(e) STARTTLS: smtpd_tls_auth_only hides AUTH until TLS, AUTH inside TLS
    (the auth server is told "secured"), Received: with ESMTPSA, and a
    non-loopback client gets PLAIN once TLS is active.
Usage: test_smtpd_auth.py BIN_DIR"""
import base64
import hashlib
import hmac
import os
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "mail_path"))
from mail_instance import MailInstance, header, unique_tag, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
USERS = {"joe": "secret", "alice": "wonderland"}
failures = []

# fail2ban's postfix-sasl filter (the part after the program prefix)
FAIL2BAN = (r"warning: [-._\w]+\[(?P<host>[0-9.]+)\]: SASL ((?i:LOGIN|PLAIN)|(?:CRAM|DIGEST)-MD5) "
            r"authentication failed(:[ A-Za-z0-9+/:]*={0,2})?\s*$")


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


# ---- a Dovecot-protocol authentication server ---------------------------

class DovecotAuthServer:
    """Serves the auth-client protocol on a UNIX socket: PLAIN, LOGIN,
    CRAM-MD5 for USERS; remembers every AUTH line it got."""

    def __init__(self, path):
        self.path = path
        self.requests = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(path):
            os.unlink(path)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()

    def accept_loop(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        conn.settimeout(60)
        f = conn.makefile("rwb", buffering=0)
        try:
            f.write(b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n"
                    b"MECH\tCRAM-MD5\tdictionary\tactive\nMECH\tANONYMOUS\tanonymous\n"
                    b"SPID\t%d\nCUID\t1\nCOOKIE\t00112233445566778899aabbccddeeff\nDONE\n"
                    % os.getpid())
            pending = {}
            for raw in f:
                fields = raw.rstrip(b"\n").decode().split("\t")
                if fields[0] == "AUTH":
                    self.requests.append(fields)
                    self.begin(f, fields, pending)
                elif fields[0] == "CONT":
                    self.cont(f, fields, pending)
        except OSError:
            pass
        finally:
            conn.close()

    @staticmethod
    def answer(f, line):
        f.write(line.encode() + b"\n")

    def verdict(self, f, rid, user, password):
        if USERS.get(user) == password:
            self.answer(f, "OK\t%s\tuser=%s" % (rid, user))
        else:
            self.answer(f, "FAIL\t%s\tuser=%s" % (rid, user))

    def begin(self, f, fields, pending):
        rid, mech = fields[1], fields[2]
        opts = dict(x.split("=", 1) for x in fields[3:] if "=" in x)
        resp = base64.b64decode(opts["resp"]) if "resp" in opts else None
        if mech == "PLAIN":
            if resp is None:
                pending[rid] = ("PLAIN", None)
                self.answer(f, "CONT\t%s\t" % rid)
            else:
                self.plain(f, rid, resp)
        elif mech == "LOGIN" and resp:
            pending[rid] = ("LOGIN", resp.decode(errors="replace"))
            self.answer(f, "CONT\t%s\t%s" % (rid, base64.b64encode(b"Password:").decode()))
        elif mech == "LOGIN":
            pending[rid] = ("LOGIN", None)
            self.answer(f, "CONT\t%s\t%s" % (rid, base64.b64encode(b"Username:").decode()))
        elif mech == "CRAM-MD5":
            challenge = "<%d.%d@postern.test>" % (os.getpid(), time.time_ns())
            pending[rid] = ("CRAM-MD5", challenge)
            self.answer(f, "CONT\t%s\t%s" % (rid, base64.b64encode(challenge.encode()).decode()))
        else:
            self.answer(f, "FAIL\t%s\treason=unsupported mechanism" % rid)

    def plain(self, f, rid, resp):
        parts = resp.split(b"\0")
        if len(parts) != 3:
            self.answer(f, "FAIL\t%s\treason=malformed PLAIN response" % rid)
            return
        self.verdict(f, rid, parts[1].decode(errors="replace"), parts[2].decode(errors="replace"))

    def cont(self, f, fields, pending):
        rid = fields[1]
        data = base64.b64decode(fields[2]) if len(fields) > 2 else b""
        mech, state = pending.pop(rid, (None, None))
        if mech == "PLAIN":
            self.plain(f, rid, data)
        elif mech == "LOGIN" and state is None:
            pending[rid] = ("LOGIN", data.decode(errors="replace"))
            self.answer(f, "CONT\t%s\t%s" % (rid, base64.b64encode(b"Password:").decode()))
        elif mech == "LOGIN":
            self.verdict(f, rid, state, data.decode(errors="replace"))
        elif mech == "CRAM-MD5":
            user, _, digest = data.decode(errors="replace").rpartition(" ")
            want = hmac.new(USERS.get(user, "").encode(), state.encode(), hashlib.md5).hexdigest()
            if user in USERS and hmac.compare_digest(want, digest):
                self.answer(f, "OK\t%s\tuser=%s" % (rid, user))
            else:
                self.answer(f, "FAIL\t%s\tuser=%s" % (rid, user))
        else:
            self.answer(f, "FAIL\t%s\treason=no such request" % rid)


# ---- helpers --------------------------------------------------------------

def connect(inst, host="127.0.0.1", port=None):
    s = smtplib.SMTP(host, port or inst.port("smtp"), local_hostname="client.example", timeout=30)
    s.ehlo()
    return s


def auth_mechs(s):
    return s.esmtp_features.get("auth", "").upper().split()


def try_auth(s, mech, user, password, initial=True):
    s.user, s.password = user, password
    auth = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login, "CRAM-MD5": s.auth_cram_md5}[mech]
    try:
        code, text = s.auth(mech, auth, initial_response_ok=initial)
    except smtplib.SMTPAuthenticationError as e:
        code, text = e.smtp_code, e.smtp_error
    return code, text


def local_address():
    """A non-loopback IPv4 address of this host, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.connect(("192.0.2.123", 9))
            addr = u.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


def free_port_on(addr):
    with socket.socket() as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def add_listener(inst, addr):
    """A second smtpd listener on addr (before start)."""
    port = free_port_on(addr)
    with open(os.path.join(inst.conf, "master.cf"), "a") as f:
        f.write("\n%s:%d inet n - n - - smtpd\n" % (addr, port))
    return port


def port_open(addr, port):
    try:
        with socket.create_connection((addr, port), timeout=1):
            return True
    except OSError:
        return False


# ---- (a) dovecot ------------------------------------------------------------

def test_disabled_by_default(inst):
    with connect(inst) as s:
        check(not s.has_extn("auth"), "smtpd_sasl_auth_enable = no: no AUTH in EHLO")
        code, text = s.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0joe\0secret").decode())
        check(code == 503, "AUTH refused when not enabled (%d %s)" % (code, text))


def test_mechanisms_and_logins(inst, server):
    with connect(inst) as s:
        check(auth_mechs(s) == ["PLAIN", "LOGIN", "CRAM-MD5"],
              "EHLO AUTH PLAIN LOGIN CRAM-MD5 (noanonymous) (%s)" % auth_mechs(s))
        code, text = try_auth(s, "PLAIN", "joe", "secret")
        check(code == 235 and text == b"2.7.0 Authentication successful",
              "AUTH PLAIN initial response 235 2.7.0 (%d %s)" % (code, text))
        code, text = s.docmd("AUTH", "LOGIN")
        check(code == 503 and text.startswith(b"5.5.1"), "AUTH twice 503 5.5.1 (%d %s)" % (code, text))
    for mech, initial in (("PLAIN", False), ("LOGIN", True), ("CRAM-MD5", True)):
        with connect(inst) as s:
            code, text = try_auth(s, mech, "alice", "wonderland", initial)
            check(code == 235, "AUTH %s%s 235 (%d %s)" % (mech, "" if initial else " without initial response", code, text))
    last = server.requests[-1] if server.requests else []
    check(len(last) > 3 and "service=smtp" in last and "rip=127.0.0.1" in last
          and "lip=127.0.0.1" in last and "secured" not in last,
          "auth server saw service=smtp rip= lip= (%s)" % last)
    with connect(inst) as s:
        code, text = s.docmd("AUTH", "PLAIN =")
        check(code == 535, "AUTH PLAIN = (empty response) 535 (%d %s)" % (code, text))
        code, text = s.docmd("AUTH", "PLAIN not-base64!")
        check(code == 501 and text.startswith(b"5.5.2"), "bad base64 501 5.5.2 (%d %s)" % (code, text))
        code, text = s.docmd("AUTH", "LOGIN")
        code, text = s.docmd("*")
        check(code == 501 and text.startswith(b"5.7.0"), "'*' aborts with 501 5.7.0 (%d %s)" % (code, text))
        code, text = s.docmd("AUTH", "DIGEST-MD5")
        check(code == 504, "mechanism not offered 504 (%d %s)" % (code, text))
        s.mail("someone@example.org")
        code, text = s.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0joe\0secret").decode())
        check(code == 503 and text.startswith(b"5.5.1"), "AUTH inside a transaction 503 5.5.1 (%d %s)" % (code, text))


def test_wrong_password(inst):
    offset = len(inst.log_text())
    with connect(inst) as s:
        code, text = try_auth(s, "PLAIN", "joe", "guess")
        check(code == 535 and text.startswith(b"5.7.8 Error: authentication failed:"),
              "wrong password 535 5.7.8 Error: authentication failed: (%d %s)" % (code, text))
        code, text = try_auth(s, "LOGIN", "nobody-here", "x")
        check(code == 535, "unknown user 535 (%d %s)" % (code, text))
    m = inst.wait_for_log(r"smtpd\[\d+\]: warning: localhost\[127\.0\.0\.1\]: SASL PLAIN "
                          r"authentication failed: .*", start=offset)
    check(m is not None, "warning line for the failed PLAIN login")
    lines = [ln.split(": ", 1)[1] for ln in inst.log_text()[offset:].splitlines()
             if "authentication failed" in ln]
    check(len(lines) >= 2 and all(re.search(FAIL2BAN, ln) for ln in lines),
          "fail2ban's postfix-sasl regex matches the failure lines (%s)" % lines)


def test_relay_and_login_maps(inst):
    rcpt_remote = "someone@remote.example"
    with connect(inst) as s:
        s.mail("stranger@example.org")
        code, text = s.rcpt(rcpt_remote)
        check(code == 554 and b"5.7.1" in text and b"Relay access denied" in text,
              "relay without AUTH 554 5.7.1 Relay access denied (%d %s)" % (code, text))
    with connect(inst) as s:
        s.mail("joe@example.com")
        code, text = s.rcpt(inst.user + "@localhost")
        check(code == 553 and text == b"5.7.1 <joe@example.com>: Sender address rejected: not logged in",
              "owned sender without AUTH 553 5.7.1 not logged in (%d %s)" % (code, text))
    with connect(inst) as s:
        try_auth(s, "PLAIN", "joe", "secret")
        s.mail("joe@example.com")
        code, text = s.rcpt(rcpt_remote)
        check(code == 250, "relay after AUTH 250 (%d %s)" % (code, text))
    with connect(inst) as s:
        try_auth(s, "PLAIN", "joe", "secret")
        s.mail("alice@example.com")
        code, text = s.rcpt(inst.user + "@localhost")
        check(code == 553 and text == b"5.7.1 <alice@example.com>: Sender address rejected: not owned by user joe",
              "sender/login mismatch 553 5.7.1 not owned by user joe (%d %s)" % (code, text))


def test_authenticated_delivery(inst):
    subject = "auth " + unique_tag()
    rcpt = inst.user + "@localhost"
    offset = len(inst.log_text())
    with connect(inst) as s:
        try_auth(s, "LOGIN", "joe", "secret")
        s.mail("joe@example.com", ["AUTH=<>"])
        s.rcpt(rcpt)
        code, text = s.data(("From: joe@example.com\r\nSubject: %s\r\n\r\nhi\r\n" % subject).encode())
        m = re.match(rb"2\.0\.0 Ok: queued as (\w+)$", text)
        check(code == 250 and m is not None, "authenticated message queued (%d %s)" % (code, text))
        qid = m.group(1).decode() if m else "NONE"
    check(inst.wait_for_log(r"smtpd\[\d+\]: %s: client=localhost\[127\.0\.0\.1\], sasl_method=LOGIN, "
                            r"sasl_username=joe" % qid, start=offset) is not None,
          "client= line with sasl_method=LOGIN, sasl_username=joe")
    got = wait_for(lambda: [x for x in inst.messages() if header(x, "Subject") == [subject]], 30) or []
    if check(len(got) == 1, "authenticated message delivered"):
        received = header(got[0], "Received")[0]
        check("(Authenticated sender: joe)" in received and " with ESMTPA id %s" % qid in received,
              "Received: has (Authenticated sender: joe) and ESMTPA (%s)" % received)


def test_no_plaintext_from_outside(inst, addr, port):
    if addr is None:
        print("skip no-plaintext check: this host has no non-loopback IPv4 address")
        return
    if not wait_for(lambda: port_open(addr, port), 10):
        check(False, "listener on %s:%d" % (addr, port))
        return
    with smtplib.SMTP(addr, port, local_hostname="outside.example", timeout=30,
                      source_address=(addr, 0)) as s:
        s.ehlo()
        check(auth_mechs(s) == ["CRAM-MD5"],
              "unencrypted non-loopback client: AUTH CRAM-MD5 only (%s)" % auth_mechs(s))
        code, text = s.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0joe\0secret").decode())
        check(code == 504, "AUTH PLAIN from a non-loopback client without TLS 504 (%d %s)" % (code, text))
        code, text = try_auth(s, "CRAM-MD5", "joe", "secret")
        check(code == 235, "CRAM-MD5 from outside 235 (%d %s)" % (code, text))


def run_dovecot():
    addr = local_address()
    params = {
        "smtpd_error_sleep_time": "0",
        "mynetworks": "192.0.2.250/32",
        "smtpd_relay_restrictions": "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
        "smtpd_sender_login_maps": "inline:{joe@example.com=joe, alice@example.com=alice}",
        "smtpd_sender_restrictions": "reject_sender_login_mismatch",
        "smtpd_sasl_authenticated_header": "yes",
    }
    with MailInstance(BIN, params=params) as inst:
        port2 = add_listener(inst, addr) if addr else None
        inst.start()
        server = DovecotAuthServer(os.path.join(inst.queue, "private", "auth"))
        try:
            test_disabled_by_default(inst)
            inst.set_params(smtpd_sasl_auth_enable="yes", smtpd_sasl_type="dovecot",
                            smtpd_sasl_path="private/auth")
            inst.reload()
            time.sleep(0.5)
            test_mechanisms_and_logins(inst, server)
            test_wrong_password(inst)
            test_relay_and_login_maps(inst)
            test_authenticated_delivery(inst)
            test_no_plaintext_from_outside(inst, addr, port2)
        finally:
            server.stop()


# ---- (b) cyrus --------------------------------------------------------------

def run_cyrus():
    saslpasswd2 = shutil.which("saslpasswd2") or "/usr/sbin/saslpasswd2"
    if not os.access(saslpasswd2, os.X_OK):
        check(False, "saslpasswd2 is installed (scripts/deps.sh installs sasl2-bin)")
        return
    with MailInstance(BIN, params={"smtpd_error_sleep_time": "0"}) as inst:
        sasl_dir = os.path.join(inst.conf, "sasl")
        os.makedirs(sasl_dir, exist_ok=True)
        db = os.path.join(inst.root, "sasldb2")
        for user, password in USERS.items():
            subprocess.run([saslpasswd2, "-f", db, "-c", "-p", "-u", inst.hostname, user],
                           input=password.encode(), check=True, timeout=30)
        os.chmod(db, 0o644)
        with open(os.path.join(sasl_dir, "smtpd.conf"), "w") as f:
            f.write("pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                    "mech_list: PLAIN LOGIN CRAM-MD5\nsasldb_path: %s\n" % db)
        inst.set_params(smtpd_sasl_auth_enable="yes", smtpd_sasl_type="cyrus",
                        smtpd_sasl_path="smtpd")
        inst.start()
        with connect(inst) as s:
            line = [ln for ln in s.ehlo_resp.split(b"\n") if ln.startswith(b"AUTH")]
            check(sorted(auth_mechs(s)) == ["CRAM-MD5", "LOGIN", "PLAIN"] and len(line) == 1
                  and re.fullmatch(rb"AUTH [A-Z0-9-]+( [A-Z0-9-]+)*", line[0]) is not None,
                  "cyrus: EHLO AUTH PLAIN LOGIN CRAM-MD5, one space apart (%r)" % line)
        for mech in ("PLAIN", "LOGIN", "CRAM-MD5"):
            with connect(inst) as s:
                code, text = try_auth(s, mech, "joe", "secret")
                check(code == 235, "cyrus sasldb: AUTH %s 235 (%d %s)" % (mech, code, text))
            with connect(inst) as s:
                code, text = try_auth(s, mech, "joe", "wrong")
                check(code == 535 and text.startswith(b"5.7.8"),
                      "cyrus sasldb: wrong password with %s 535 5.7.8 (%d %s)" % (mech, code, text))
        check(inst.wait_for_log(r"warning: localhost\[127\.0\.0\.1\]: SASL CRAM-MD5 authentication failed: ")
              is not None, "cyrus: CRAM-MD5 failure warning line")
        with connect(inst) as s:
            try_auth(s, "PLAIN", "alice", "wonderland")
            s.mail("alice@example.com")
            code, _ = s.rcpt(inst.user + "@localhost")
            check(code == 250, "cyrus: RCPT after AUTH 250")
            s.rset()
        check(inst.wait_for_log(r"smtpd\[\d+\]: \w+: client=localhost\[127\.0\.0\.1\], "
                                r"sasl_method=PLAIN, sasl_username=alice\n") is not None,
              "cyrus: client= line with sasl_username=alice")


# ---- (c) a real Dovecot's auth-client socket -----------------------------------

DOVECOT_CONF = """base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = none
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={d}
}}
service auth {{
  unix_listener auth-client {{
    path = {socket}
    mode = 0666
  }}
}}
"""


def start_dovecot(inst):
    """Dovecot 2.3 with only its auth service, socket in QUEUE/private;
    returns the configuration file, or None (skipped) when it cannot run."""
    if os.geteuid() != 0:
        print("skip real Dovecot: needs root")
        return None
    subprocess.run([os.path.join(HERE, "..", "..", "scripts", "deps.sh"), "dovecot-core"],
                   timeout=600, check=False)
    if shutil.which("dovecot") is None:
        print("skip real Dovecot: dovecot-core is not installed")
        return None
    d = os.path.join(inst.root, "dovecot")
    for sub in ("run", "state"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    os.chmod(d, 0o755)
    with open(os.path.join(d, "passwd"), "w") as f:
        f.write("".join("%s:{PLAIN}%s\n" % (u, p) for u, p in USERS.items()))
    conf = os.path.join(d, "dovecot.conf")
    socket_path = os.path.join(inst.queue, "private", "dovecot-auth")
    with open(conf, "w") as f:
        f.write(DOVECOT_CONF.format(d=d, socket=socket_path))
    # the daemon keeps inherited descriptors: no pipes, or run() would wait
    errors = os.path.join(d, "start.err")
    with open(errors, "w") as err:
        proc = subprocess.run(["dovecot", "-c", conf], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=err, timeout=30)
    if proc.returncode != 0 or not wait_for(lambda: os.path.exists(socket_path), 10):
        with open(errors) as f:
            check(False, "Dovecot starts (%s)" % f.read().strip())
        return None
    return conf, socket_path


def run_real_dovecot():
    with MailInstance(BIN, params={"smtpd_error_sleep_time": "0"}) as inst:
        inst.start()
        started = start_dovecot(inst)
        if started is None:
            return
        conf, socket_path = started
        try:
            inst.set_params(smtpd_sasl_auth_enable="yes", smtpd_sasl_type="dovecot",
                            smtpd_sasl_path=socket_path)
            inst.reload()
            time.sleep(0.5)
            with connect(inst) as s:
                check(auth_mechs(s) == ["PLAIN", "LOGIN", "CRAM-MD5"],
                      "real Dovecot: EHLO AUTH PLAIN LOGIN CRAM-MD5 (%s)" % auth_mechs(s))
            for mech in ("PLAIN", "LOGIN", "CRAM-MD5"):
                with connect(inst) as s:
                    code, text = try_auth(s, mech, "joe", "secret")
                    check(code == 235, "real Dovecot: AUTH %s 235 (%d %s)" % (mech, code, text))
            with connect(inst) as s:
                code, text = try_auth(s, "PLAIN", "joe", "wrong")
                check(code == 535 and text.startswith(b"5.7.8"),
                      "real Dovecot: wrong password 535 5.7.8 (%d %s)" % (code, text))
        finally:
            subprocess.run(["doveadm", "-c", conf, "stop"], capture_output=True, timeout=30)


# ---- (d) Postern's own auth service ---------------------------------------------

def run_postern_auth():
    with MailInstance(BIN, params={"smtpd_error_sleep_time": "0", "auth_failure_delay": "0"}) as inst:
        if not inst.program_exists("auth"):
            print("skip Postern auth: the auth daemon is not in this build")
            return
        hashed = inst.run("postpasswd", "-s", "SHA512-CRYPT", "-p", USERS["alice"], "-u", "alice")
        with open(os.path.join(inst.conf, "passwd"), "w") as f:
            f.write("joe:{PLAIN}%s\n%s\n" % (USERS["joe"], hashed.stdout.decode().strip()))
        os.chmod(os.path.join(inst.conf, "passwd"), 0o644)
        inst.set_params(smtpd_sasl_auth_enable="yes", smtpd_sasl_type="dovecot",
                        smtpd_sasl_path="private/auth",
                        auth_passwd_file=os.path.join(inst.conf, "passwd"),
                        auth_mechanisms="plain login cram-md5")
        inst.start()
        with connect(inst) as s:
            mechs = auth_mechs(s)
            check("PLAIN" in mechs and "LOGIN" in mechs,
                  "Postern auth: EHLO AUTH offers PLAIN and LOGIN (%s)" % mechs)
        for mech, user in (("PLAIN", "joe"), ("LOGIN", "joe"), ("PLAIN", "alice"), ("LOGIN", "alice")):
            with connect(inst) as s:
                code, text = try_auth(s, mech, user, USERS[user])
                check(code == 235, "Postern auth: AUTH %s as %s 235 (%d %s)" % (mech, user, code, text))
        if "CRAM-MD5" in mechs:
            with connect(inst) as s:
                code, text = try_auth(s, "CRAM-MD5", "joe", USERS["joe"])
                check(code == 235, "Postern auth: CRAM-MD5 for a {PLAIN} user 235 (%d %s)" % (code, text))
        with connect(inst) as s:
            code, text = try_auth(s, "PLAIN", "alice", "wrong")
            check(code == 535 and text.startswith(b"5.7.8"),
                  "Postern auth: wrong password 535 5.7.8 (%d %s)" % (code, text))
        check(inst.wait_for_log(r"warning: localhost\[127\.0\.0\.1\]: SASL PLAIN authentication failed: ")
              is not None, "Postern auth: failure warning line")


# ---- (e) AUTH and STARTTLS ----------------------------------------------------------

def make_certificate(directory):
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=postern.test", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    os.chmod(key, 0o644)
    return cert, key


def run_starttls(addr):
    with MailInstance(BIN, params={"smtpd_error_sleep_time": "0"}) as inst:
        port2 = add_listener(inst, addr) if addr else None
        cert, key = make_certificate(inst.root)
        inst.set_params(smtpd_tls_security_level="may", smtpd_tls_cert_file=cert,
                        smtpd_tls_key_file=key, smtpd_tls_auth_only="yes",
                        smtpd_sasl_auth_enable="yes", smtpd_sasl_type="dovecot",
                        smtpd_sasl_path="private/auth")
        inst.start()
        server = DovecotAuthServer(os.path.join(inst.queue, "private", "auth"))
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            subject = "tls auth " + unique_tag()
            with connect(inst) as s:
                check(not s.has_extn("auth"), "smtpd_tls_auth_only: no AUTH before STARTTLS")
                s.starttls(context=context)
                s.ehlo()
                check(auth_mechs(s) == ["PLAIN", "LOGIN", "CRAM-MD5"],
                      "AUTH offered after STARTTLS (%s)" % auth_mechs(s))
                code, text = try_auth(s, "PLAIN", "joe", "secret")
                check(code == 235, "AUTH PLAIN inside TLS 235 (%d %s)" % (code, text))
                s.mail("joe@example.com")
                s.rcpt(inst.user + "@localhost")
                code, _ = s.data(("Subject: %s\r\n\r\nhi\r\n" % subject).encode())
                check(code == 250, "message inside TLS after AUTH 250")
            last = server.requests[-1] if server.requests else []
            check("secured" in last, "auth server told the connection is secured (%s)" % last)
            got = wait_for(lambda: [x for x in inst.messages() if header(x, "Subject") == [subject]], 30) or []
            if check(len(got) == 1, "TLS+AUTH message delivered"):
                received = header(got[0], "Received")[0]
                check(" with ESMTPSA id " in received, "Received: with ESMTPSA (%s)" % received)
            if addr is not None and wait_for(lambda: port_open(addr, port2), 10):
                with smtplib.SMTP(addr, port2, local_hostname="outside.example", timeout=30,
                                  source_address=(addr, 0)) as s:
                    s.ehlo()
                    s.starttls(context=context)
                    s.ehlo()
                    check("PLAIN" in auth_mechs(s),
                          "non-loopback client after STARTTLS gets PLAIN (%s)" % auth_mechs(s))
                    code, text = try_auth(s, "LOGIN", "alice", "wonderland")
                    check(code == 235, "non-loopback AUTH LOGIN inside TLS 235 (%d %s)" % (code, text))
        finally:
            server.stop()


def main():
    if BIN is None:
        print(__doc__)
        return 2
    run_dovecot()
    run_cyrus()
    run_real_dovecot()
    run_postern_auth()
    run_starttls(local_address())
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
