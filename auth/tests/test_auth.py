#!/usr/bin/env python3
"""test_auth.py - the auth service on a started instance, spoken to over
private/auth with the Dovecot authentication protocol from Python.

Checks: the handshake (VERSION, MECH lines with flags, SPID, CUID,
COOKIE, DONE); PLAIN for SHA512-CRYPT, BLF-CRYPT, yescrypt ({CRYPT}$y$)
and {PLAIN} users; a wrong password and an unknown user get the same FAIL
only after auth_failure_delay, while another client is answered at once;
LOGIN in three steps; CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256 for a
{PLAIN} user and not for a crypt one; an edited passwd-file takes effect without a reload,
and CRAM-MD5 is no longer announced once no {PLAIN} user is left; bad
base64, unsupported mechanisms; protocol violations (AUTH before the
handshake, unknown command, overlong line, NUL byte, duplicate id) end
the connection; the failure log line; postern check warns about a
world-readable passwd-file; the auth processes run as mail_owner.

usage: test_auth.py BIN_DIR
"""
import base64
import hashlib
import hmac
import os
import pwd
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "harness"))
from postern_instance import PosternInstance  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
DELAY = 1.0
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def b64(data):
    return base64.b64encode(data).decode()


class AuthClient:
    def __init__(self, path, handshake=True):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.buf = b""
        self.server = []
        if handshake:
            self.read_handshake()
            self.send("VERSION\t1\t2\nCPID\t%d\n" % os.getpid())

    def send(self, text):
        self.sock.sendall(text.encode() if isinstance(text, str) else text)

    def line(self):
        """One line, or None at end of file."""
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def read_handshake(self):
        for _ in range(50):
            line = self.line()
            if line is None:
                break
            self.server.append(line)
            if line == "DONE":
                break
        return self.server

    def mechs(self):
        return [l.split("\t")[1] for l in self.server if l.startswith("MECH\t")]

    def closed(self):
        try:
            return self.line() is None
        except (ConnectionResetError, socket.timeout):
            return False

    def reply(self):
        line = self.line()
        return line.split("\t") if line is not None else None

    def close(self):
        self.sock.close()


def params(fields):
    return dict(f.split("=", 1) for f in fields if "=" in f)


def plain(c, rid, user, password):
    c.send("AUTH\t%d\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1\trip=127.0.0.2\tresp=%s\n"
           % (rid, b64(b"\0" + user.encode() + b"\0" + password.encode())))
    return c.reply()


def protect(path):
    """root:GROUP 0640 as a real site has it (GROUP: the mail_owner's)."""
    os.chmod(path, 0o640)
    if os.geteuid() == 0:
        os.chown(path, 0, pwd.getpwnam("nobody").pw_gid)


def make_hash(scheme, password):
    out = subprocess.run([os.path.join(BIN, "postpasswd"), "-s", scheme, "-p", password],
                         capture_output=True, timeout=30, check=True)
    return out.stdout.decode().strip()


def scram(c, rid, user, password, hash_name="sha256"):
    nonce = b64(os.urandom(18))
    bare = "n=%s,r=%s" % (user, nonce)
    mech = "SCRAM-SHA-256" if hash_name == "sha256" else "SCRAM-SHA-1"
    c.send("AUTH\t%d\t%s\tservice=imap\tresp=%s\n" % (rid, mech, b64(("n,," + bare).encode())))
    r = c.reply()
    if r is None or r[0] != "CONT":
        return r
    first = base64.b64decode(r[2]).decode()
    attrs = dict(a.split("=", 1) for a in first.split(","))
    salted = hashlib.pbkdf2_hmac(hash_name, password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
    client_key = hmac.new(salted, b"Client Key", hash_name).digest()
    stored = hashlib.new(hash_name, client_key).digest()
    final_bare = "c=biws,r=%s" % attrs["r"]
    message = ",".join([bare, first, final_bare]).encode()
    signature = hmac.new(stored, message, hash_name).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    c.send("CONT\t%d\t%s\n" % (rid, b64((final_bare + ",p=" + b64(proof)).encode())))
    r = c.reply()
    if r is None or r[0] != "CONT":
        return r
    server_key = hmac.new(salted, b"Server Key", hash_name).digest()
    want = "v=" + b64(hmac.new(server_key, message, hash_name).digest())
    check(base64.b64decode(r[2]).decode() == want, "%s server signature is right" % mech)
    c.send("CONT\t%d\t\n" % rid)
    return c.reply()


def test_handshake(path):
    c = AuthClient(path)
    lines = c.server
    check(lines and lines[0] == "VERSION\t1\t2", "handshake starts with VERSION 1 2: %r" % lines[:1])
    check(lines[-1] == "DONE", "handshake ends with DONE")
    check("MECH\tPLAIN\tplaintext" in lines and "MECH\tLOGIN\tplaintext" in lines,
          "PLAIN and LOGIN announced as plaintext")
    check("CRAM-MD5" in c.mechs() and "SCRAM-SHA-256" in c.mechs(),
          "CRAM-MD5 and SCRAM-SHA-256 announced while a {PLAIN} user exists: %r" % c.mechs())
    check(any(re.fullmatch(r"SPID\t\d+", l) for l in lines), "SPID")
    check(any(re.fullmatch(r"CUID\t\d+", l) for l in lines), "CUID")
    check(any(re.fullmatch(r"COOKIE\t[0-9a-f]{32}", l) for l in lines), "COOKIE of 128 bits in hex")
    c.close()


def test_plain(path, users):
    c = AuthClient(path)
    for i, (user, password) in enumerate(users.items()):
        r = plain(c, i + 1, user, password)
        check(r is not None and r[0] == "OK" and r[1] == str(i + 1) and params(r[2:]).get("user") == user,
              "PLAIN OK for %s: %r" % (user, r))
    c.close()


def test_failures(path, inst):
    c = AuthClient(path)
    other = AuthClient(path)
    start = time.monotonic()
    plain_req = "AUTH\t7\tPLAIN\tservice=smtp\tresp=%s\n" % b64(b"\0sha512@example.org\0wrong")
    c.send(plain_req)
    time.sleep(0.1)
    r2 = plain(other, 1, "plainuser", "plain pass")
    quick = time.monotonic() - start
    check(r2 is not None and r2[0] == "OK" and quick < DELAY * 0.8,
          "another client is answered during the failure delay (%.2fs)" % quick)
    r = c.reply()
    waited = time.monotonic() - start
    check(r is not None and r[0] == "FAIL" and r[1] == "7", "wrong password: FAIL: %r" % r)
    check(waited >= DELAY * 0.9, "FAIL came after auth_failure_delay (%.2fs)" % waited)
    check(r is not None and params(r[2:]).get("user") == "sha512@example.org", "FAIL names the user")
    start = time.monotonic()
    r_unknown = plain(c, 8, "nobody@example.org", "wrong")
    check(r_unknown is not None and r_unknown[0] == "FAIL" and time.monotonic() - start >= DELAY * 0.9,
          "unknown user: FAIL after the delay: %r" % r_unknown)
    check(r is not None and r_unknown is not None
          and params(r[2:]).get("reason") == params(r_unknown[2:]).get("reason"),
          "unknown user and wrong password give the same reason")
    c.send("AUTH\t9\tPLAIN\tservice=smtp\tresp=!!!notbase64\n")
    r = c.reply()
    check(r is not None and r[0] == "FAIL" and "base64" in params(r[2:]).get("reason", ""),
          "bad base64: FAIL with a reason: %r" % r)
    c.send("AUTH\t10\tDIGEST-MD5\tservice=smtp\n")
    r = c.reply()
    check(r is not None and r[0] == "FAIL" and r[1] == "10", "unannounced mechanism: FAIL: %r" % r)
    check(inst.wait_for_log(r"authentication failed: method=PLAIN, user=<sha512@example.org>, "
                            r"service=smtp, rip=unknown", 5) is not None, "failure log line")
    c.close()
    other.close()


def test_login(path):
    c = AuthClient(path)
    c.send("AUTH\t1\tLOGIN\tservice=smtp\n")
    r = c.reply()
    check(r is not None and r[0] == "CONT" and base64.b64decode(r[2]).lower().startswith(b"username"),
          "LOGIN asks for the user name: %r" % r)
    c.send("CONT\t1\t%s\n" % b64(b"bcrypt"))
    r = c.reply()
    check(r is not None and r[0] == "CONT" and base64.b64decode(r[2]).lower().startswith(b"password"),
          "LOGIN asks for the password: %r" % r)
    c.send("CONT\t1\t%s\n" % b64(b"bcrypt pass"))
    r = c.reply()
    check(r is not None and r[0] == "OK" and params(r[2:]).get("user") == "bcrypt", "LOGIN OK: %r" % r)
    c.close()


def cram(c, rid, user, password):
    c.send("AUTH\t%d\tCRAM-MD5\tservice=imap\n" % rid)
    r = c.reply()
    if r is None or r[0] != "CONT":
        return r
    challenge = base64.b64decode(r[2])
    digest = hmac.new(password.encode(), challenge, "md5").hexdigest()
    c.send("CONT\t%d\t%s\n" % (rid, b64(("%s %s" % (user, digest)).encode())))
    return c.reply()


def test_secret_mechs(path):
    c = AuthClient(path)
    r = cram(c, 1, "plainuser", "plain pass")
    check(r is not None and r[0] == "OK" and params(r[2:]).get("user") == "plainuser",
          "CRAM-MD5 OK for a {PLAIN} user: %r" % r)
    r = cram(c, 2, "plainuser", "wrong")
    check(r is not None and r[0] == "FAIL", "CRAM-MD5 wrong password: FAIL: %r" % r)
    r = cram(c, 3, "sha512@example.org", "sha512 pass")
    check(r is not None and r[0] == "FAIL", "CRAM-MD5 for a crypt user: FAIL: %r" % r)
    r = scram(c, 4, "plainuser", "plain pass")
    check(r is not None and r[0] == "OK" and params(r[2:]).get("user") == "plainuser",
          "SCRAM-SHA-256 OK for a {PLAIN} user: %r" % r)
    r = scram(c, 5, "plainuser", "wrong")
    check(r is not None and r[0] == "FAIL", "SCRAM-SHA-256 wrong password: FAIL: %r" % r)
    r = scram(c, 6, "plainuser", "plain pass", "sha1")
    check(r is not None and r[0] == "OK", "SCRAM-SHA-1 OK for a {PLAIN} user: %r" % r)
    r = scram(c, 7, "bcrypt", "bcrypt pass")
    check(r is not None and r[0] == "FAIL", "SCRAM-SHA-256 for a crypt user: FAIL: %r" % r)
    c.close()


def test_violations(path):
    cases = [
        ("AUTH before the handshake", "VERSION\t1\t2\nAUTH\t1\tPLAIN\tservice=smtp\tresp=AA==\n"),
        ("unknown command", "VERSION\t1\t2\nCPID\t1\nREQUEST\t1\t2\t3\tabc\n"),
        ("major version 2", "VERSION\t2\t0\n"),
        ("first line not VERSION", "CPID\t1\n"),
        ("NUL byte", "VERSION\t1\t2\nCPID\t1\0\n"),
        ("overlong line", "VERSION\t1\t2\nCPID\t1\nAUTH\t1\tPLAIN\tservice=smtp\tresp=" + "A" * 20000 + "\n"),
        ("overlong line without LF", "VERSION\t1\t2\n" + "A" * 40000),
        ("CONT for an unknown id", "VERSION\t1\t2\nCPID\t1\nCONT\t5\tAA==\n"),
        ("duplicate id", "VERSION\t1\t2\nCPID\t1\nAUTH\t1\tLOGIN\tservice=smtp\nAUTH\t1\tLOGIN\tservice=smtp\n"),
    ]
    for what, text in cases:
        c = AuthClient(path, handshake=False)
        c.read_handshake()
        c.send(text)
        seen = []
        ended = False
        for _ in range(5):
            line = None
            try:
                line = c.line()
            except ConnectionResetError:    # closed with our input unread
                ended = True
                break
            except socket.timeout:
                break
            if line is None:
                ended = True
                break
            seen.append(line)
        check(ended, "%s ends the connection (after %r)" % (what, seen))
        c.close()


def test_reload(path, inst, pwfile):
    with open(pwfile, "a") as f:
        f.write("late@example.org:%s\n" % make_hash("SHA256-CRYPT", "late pass"))
    c = AuthClient(path)
    r = plain(c, 1, "late@example.org", "late pass")
    check(r is not None and r[0] == "OK", "a user added to the file logs in without reload: %r" % r)
    c.close()
    with open(pwfile) as f:
        text = f.read()
    text = "\n".join(l for l in text.split("\n") if "{PLAIN}" not in l)
    with open(pwfile + ".new", "w") as f:
        f.write(text + "\nbroken line without colon\n")
    protect(pwfile + ".new")
    os.rename(pwfile + ".new", pwfile)
    c = AuthClient(path)
    check("CRAM-MD5" not in c.mechs() and "PLAIN" in c.mechs(),
          "without {PLAIN} users CRAM-MD5 is no longer announced: %r" % c.mechs())
    r = plain(c, 1, "plainuser", "plain pass")
    check(r is not None and r[0] == "FAIL", "a removed user fails")
    check(inst.wait_for_log(r"passwd:\d+: missing ':' after the user name", 5) is not None,
          "a bad line is logged with file:line")
    c.close()


def test_unprivileged(inst, path):
    """The auth processes run as mail_owner, never as root."""
    c = AuthClient(path)        # keeps one auth process alive
    pids = set(int(p) for p in re.findall(r"postern/auth\[(\d+)\]", inst.log_text()))
    uids = {}
    for pid in pids:
        try:
            with open("/proc/%d/status" % pid) as f:
                uids[pid] = [int(u) for u in re.search(r"^Uid:\s+(.*)$", f.read(), re.M).group(1).split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    owner = pwd.getpwnam(inst.param("mail_owner")).pw_uid
    check(uids and all(set(u) == {owner} for u in uids.values()),
          "auth processes run as mail_owner (uid %d): %r" % (owner, uids))
    c.close()


def test_postern_check(inst, pwfile):
    out = inst.run("postern", "check", check=False)
    check(b"password file" not in out.stderr, "postern check is quiet about a 0640 passwd-file")
    os.chmod(pwfile, 0o644)
    out = inst.run("postern", "check", check=False)
    check(b"password file is readable by everybody" in out.stderr,
          "postern check warns about a world-readable passwd-file: %r" % out.stderr[-300:])
    protect(pwfile)


def main():
    users = {
        "sha512@example.org": ("SHA512-CRYPT", "sha512 pass"),
        "bcrypt": ("BLF-CRYPT", "bcrypt pass"),
        "yescrypt@example.org": ("YESCRYPT", "yescrypt pass"),
        "plainuser": ("PLAIN", "plain pass"),
    }
    inst = PosternInstance(BIN)
    try:
        inst.create()
        pwfile = os.path.join(inst.conf, "passwd")
        with open(pwfile, "w") as f:
            f.write("# test users\n")
            for user, (scheme, password) in users.items():
                f.write("%s:%s::::::\n" % (user, make_hash(scheme, password)))
        protect(pwfile)
        inst.set_params(auth_passwd_file=pwfile, auth_failure_delay="%ds" % DELAY,
                        auth_mechanisms="plain login cram-md5 scram-sha-1 scram-sha-256 bogus")
        inst.start()
        path = os.path.join(inst.queue, "private", "auth")
        test_handshake(path)
        test_plain(path, {u: p for u, (s, p) in users.items()})
        test_failures(path, inst)
        test_login(path)
        test_secret_mechs(path)
        test_violations(path)
        test_reload(path, inst, pwfile)
        check(inst.wait_for_log(r"auth_mechanisms: unsupported mechanism bogus ignored", 2) is not None,
              "an unknown auth_mechanisms word is logged")
        test_unprivileged(inst, path)
        test_postern_check(inst, pwfile)
        check(not re.search(r"(panic|fatal):", inst.log_text()), "no panic or fatal in the log")
    except Exception:
        print(inst.log_text()[-3000:])
        raise
    finally:
        if failures:
            print(inst.log_text()[-3000:])
        inst.cleanup()
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)


main()
