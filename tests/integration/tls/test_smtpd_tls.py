#!/usr/bin/env python3
"""test_smtpd_tls.py - TLS in smtpd on a started instance (master, smtpd,
cleanup, qmgr, local; tests/integration/mail_path's MailInstance), with a
test CA, an intermediate CA and a leaf made by the openssl command:

- smtplib starttls(), then a message delivered with "ESMTPS" and the
  "(using TLSv1.3 with cipher ...)" Received: line; the log line
  "Anonymous TLS connection established from ...";
- openssl s_client -starttls smtp: -tls1 and -tls1_1 (client at
  SECLEVEL=0, so it really offers them) refused with a protocol alert,
  -tls1_2 and -tls1_3 accepted; the chain (leaf + intermediate) served
  and verified against the test CA, from smtpd_tls_cert_file and from
  smtpd_tls_chain_files;
- STARTTLS injection: "STARTTLS\\r\\nMAIL FROM:<a@b>\\r\\n" in one write, the
  MAIL gets no reply inside TLS; STARTTLS inside TLS 554 5.5.1; EHLO after
  TLS does not offer STARTTLS;
- wrapper mode (smtpd_tls_wrappermode=yes, -o in master.cf): SMTP_SSL
  delivers a message;
- level encrypt (-o): 530 5.7.0 before STARTTLS, 250 after;
- a broken certificate: no STARTTLS at level may, 454 4.7.0 at encrypt,
  "disabling TLS support" logged;
- session resumption: s_client -sess_out/-sess_in says "Reused", and a
  Python session is resumed by a second connection made while the first
  is still open (so another smtpd process served it: the ticket key is
  shared through data_directory).
Usage: test_smtpd_tls.py BIN_DIR"""
import os
import re
import smtplib
import socket
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mail_path"))
from mail_instance import MailInstance, header, unique_tag, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
HOST = "mail.example.test"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def sh(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, shell=True, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=60)


def make_certificates(d):
    """Root CA -> intermediate CA -> leaf for HOST; files in d."""
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n")
    with open(os.path.join(d, "leaf.ext"), "w") as f:
        f.write("subjectAltName=DNS:%s\nbasicConstraints=CA:false\n" % HOST)
    sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 2 "
       "-subj /CN=Postern-Test-Root -addext basicConstraints=critical,CA:true", d)
    sh("openssl req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr "
       "-subj /CN=Postern-Test-Intermediate", d)
    sh("openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -CAcreateserial "
       "-out inter.pem -days 2 -extfile ca.ext", d)
    sh("openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=%s" % HOST, d)
    sh("openssl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -CAcreateserial "
       "-out leaf.pem -days 2 -extfile leaf.ext", d)
    sh("cat leaf.pem inter.pem > fullchain.pem && cat leaf.key leaf.pem inter.pem > chainfile.pem", d)
    for name in os.listdir(d):
        os.chmod(os.path.join(d, name), 0o644)   # the unprivileged smtpd reads them too
    return {n: os.path.join(d, n + ".pem") for n in ("root", "fullchain", "chainfile")} | {
        "key": os.path.join(d, "leaf.key")}


def master_cf(certs):
    with open(os.path.join(HERE, "..", "..", "..", "conf", "master.cf")) as f:
        text = f.read()
    return text + (
        "\n# TLS test services\n"
        "smtps     inet  n       -       n       -       -       smtpd\n"
        "  -o smtpd_tls_wrappermode=yes -o smtpd_tls_cert_file= -o smtpd_tls_key_file=\n"
        "  -o smtpd_tls_chain_files=%s\n"
        "encrypt   inet  n       -       n       -       -       smtpd\n"
        "  -o smtpd_tls_security_level=encrypt\n"
        "broken    inet  n       -       n       -       -       smtpd\n"
        "  -o smtpd_tls_cert_file=/nonexistent/cert.pem\n"
        "brokenenc inet  n       -       n       -       -       smtpd\n"
        "  -o smtpd_tls_cert_file=/nonexistent/cert.pem -o smtpd_tls_security_level=encrypt\n"
        "only13    inet  n       -       n       -       -       smtpd\n"
        "  -o smtpd_tls_protocols=TLSv1.3\n"
        % certs["chainfile"])


def read_reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise AssertionError("connection closed after %r" % lines)
        lines.append(line.decode(errors="replace"))
        if line[3:4] != b"-":
            return lines


def client_ctx():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def wait_subject(inst, subject, timeout=30):
    def found():
        return [m for m in inst.messages() if header(m, "Subject") == [subject]]
    return wait_for(found, timeout, step=0.1) or []


def test_smtplib_starttls(inst, certs):
    subject = "starttls " + unique_tag()
    rcpt = inst.user + "@example.test"
    ctx = ssl.create_default_context(cafile=certs["root"])
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), local_hostname="client.example",
                      timeout=30) as s:
        s.ehlo()
        check(s.has_extn("starttls"), "EHLO offers STARTTLS")
        code, text = s.docmd("STARTTLS")
        check(code == 220 and text == b"2.0.0 Ready to start TLS", "220 2.0.0 Ready to start TLS")
        s.sock = ctx.wrap_socket(s.sock, server_hostname=HOST)
        s.file = None
        s.helo_resp = s.ehlo_resp = None
        s.esmtp_features = {}
        s.does_esmtp = False
        check(s.sock.version() in ("TLSv1.3", "TLSv1.2"), "handshake verified against the test CA")
        s.ehlo()
        check(not s.has_extn("starttls"), "no STARTTLS offered inside TLS")
        code, text = s.docmd("STARTTLS")
        check(code == 554 and text == b"5.5.1 Error: TLS already active",
              "STARTTLS inside TLS: 554 5.5.1 (%s %s)" % (code, text))
        s.sendmail("a@example.org", [rcpt], ("Subject: %s\r\n\r\nover TLS\r\n" % subject).encode())
    got = wait_subject(inst, subject)
    if check(len(got) == 1, "message sent after STARTTLS delivered"):
        received = header(got[0], "Received")[0]
        check("with ESMTPS id" in received, "Received: says ESMTPS")
        check(re.search(r"\(using TLSv1\.3 with cipher \S+ \(\d+/\d+ bits\)\)", received) is not None,
              "Received: has the (using TLSv1.3 with cipher ...) line")
    check(inst.wait_for_log(r"Anonymous TLS connection established from localhost\[127\.0\.0\.1\]: "
                            r"TLSv1\.3 with cipher TLS_\w+ \(\d+/\d+ bits\)") is not None,
          "log: Anonymous TLS connection established from localhost[127.0.0.1]: TLSv1.3 ...")
    # smtplib's own starttls() as a second client
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.starttls(context=client_ctx())
        check(s.noop()[0] == 250, "smtplib.starttls() then NOOP")


def s_client(port, *args, stdin=b"QUIT\r\n", starttls=True):
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port]
    if starttls:
        cmd += ["-starttls", "smtp"]
    cmd += list(args)
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30)
    return p.returncode, p.stdout.decode(errors="replace")


def negotiated(out):
    m = re.search(r"^(New|Reused), (TLSv[\d.]+), Cipher is (\S+)", out, re.M)
    return m.groups() if m and m.group(3) != "(NONE)" else None


def test_protocols(inst):
    port = inst.port("smtp")
    for flag in ("-tls1", "-tls1_1"):
        rc, out = s_client(port, flag, "-cipher", "DEFAULT@SECLEVEL=0")
        refused = negotiated(out) is None and rc != 0
        alert = re.search(r"alert protocol version|unsupported protocol|wrong version", out)
        client_side = re.search(r"no protocols available|no ciphers available", out)
        check(refused and alert is not None and client_side is None,
              "%s (client at SECLEVEL=0) refused by the server with a protocol alert" % flag)
    for flag, want in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        rc, out = s_client(port, flag)
        got = negotiated(out)
        check(got is not None and got[1] == want, "%s accepted (%s)" % (flag, got))
    rc, out = s_client(inst.port("only13"), "-tls1_2")
    check(negotiated(out) is None, "-o smtpd_tls_protocols=TLSv1.3: -tls1_2 refused")
    rc, out = s_client(inst.port("only13"), "-tls1_3")
    check(negotiated(out) is not None, "-o smtpd_tls_protocols=TLSv1.3: -tls1_3 accepted")


def count_certs(out):
    return len(re.findall(r"-----BEGIN CERTIFICATE-----", out))


def test_chain(inst, certs):
    rc, out = s_client(inst.port("smtp"), "-showcerts", "-CAfile", certs["root"],
                       "-verify_return_error", "-verify_hostname", HOST)
    check(count_certs(out) == 2, "cert_file: leaf and intermediate served (%d)" % count_certs(out))
    check("Verify return code: 0 (ok)" in out, "cert_file: chain verifies against the test root")
    rc, out = s_client(inst.port("smtps"), "-showcerts", "-CAfile", certs["root"],
                       "-verify_return_error", starttls=False)
    check(count_certs(out) == 2, "chain_files: leaf and intermediate served (%d)" % count_certs(out))
    check("Verify return code: 0 (ok)" in out, "chain_files: chain verifies against the test root")


def test_injection(inst):
    s = socket.create_connection(("127.0.0.1", inst.port("smtp")), timeout=10)
    f = s.makefile("rb")
    read_reply(f)
    s.sendall(b"EHLO attacker.example\r\n")
    read_reply(f)
    s.sendall(b"STARTTLS\r\nMAIL FROM:<a@b>\r\n")
    check(read_reply(f) == ["220 2.0.0 Ready to start TLS\r\n"], "220 before the handshake")
    t = client_ctx().wrap_socket(s, server_hostname=HOST)
    t.settimeout(1.5)
    try:
        early = t.recv(4096)
    except (socket.timeout, TimeoutError):
        early = b""
    check(early == b"", "the injected MAIL got no reply inside TLS (%r)" % early)
    t.settimeout(10)
    tf = t.makefile("rb")
    t.sendall(b"MAIL FROM:<c@d>\r\n")
    first = read_reply(tf)
    check(first == ["250 2.1.0 Ok\r\n"],
          "a MAIL sent inside TLS is the first command there (%r)" % first)
    t.sendall(b"QUIT\r\n")
    read_reply(tf)
    t.close()
    check(inst.wait_for_log(r"disconnect from \S+ ehlo=1 starttls=1 mail=1 quit=1 commands=4")
          is not None, "disconnect line: ehlo=1 starttls=1 mail=1 quit=1 (injected MAIL not counted)")


def test_wrapper(inst):
    subject = "wrapper " + unique_tag()
    with smtplib.SMTP_SSL("127.0.0.1", inst.port("smtps"), context=client_ctx(), timeout=30) as s:
        code, _ = s.ehlo("wrapped.example")
        check(code == 250 and not s.has_extn("starttls"), "wrapper mode: EHLO without STARTTLS")
        s.sendmail("w@example.org", [inst.user + "@example.test"],
                   ("Subject: %s\r\n\r\nwrapped\r\n" % subject).encode())
    got = wait_subject(inst, subject)
    check(len(got) == 1 and "with ESMTPS id" in header(got[0], "Received")[0],
          "wrapper mode: message delivered, ESMTPS")


def test_encrypt(inst):
    with smtplib.SMTP("127.0.0.1", inst.port("encrypt"), timeout=30) as s:
        s.ehlo()
        check(s.has_extn("starttls"), "encrypt: STARTTLS offered")
        code, text = s.docmd("MAIL FROM:<a@example.org>")
        check(code == 530 and text == b"5.7.0 Must issue a STARTTLS command first",
              "encrypt: MAIL before STARTTLS 530 5.7.0 (%s %s)" % (code, text))
        check(s.noop()[0] == 250, "encrypt: NOOP allowed before STARTTLS")
        s.starttls(context=client_ctx())
        s.ehlo()
        check(s.docmd("MAIL FROM:<a@example.org>")[0] == 250, "encrypt: MAIL after STARTTLS 250")


def test_broken(inst):
    with smtplib.SMTP("127.0.0.1", inst.port("broken"), timeout=30) as s:
        s.ehlo()
        check(not s.has_extn("starttls"), "broken certificate at may: STARTTLS not offered")
        check(s.docmd("STARTTLS")[0] == 502, "broken certificate at may: STARTTLS 502")
    with smtplib.SMTP("127.0.0.1", inst.port("brokenenc"), timeout=30) as s:
        s.ehlo()
        code, text = s.docmd("STARTTLS")
        check(code == 454 and text == b"4.7.0 TLS not available due to local problem",
              "broken certificate at encrypt: 454 4.7.0 (%s %s)" % (code, text))
    check(inst.wait_for_log(r"warning: .*nonexistent/cert\.pem.*: disabling TLS support")
          is not None, "log: ... disabling TLS support")


def test_resumption(inst):
    sess = os.path.join(inst.root, "s_client.sess")
    port = inst.port("smtp")
    for version in ("-tls1_3", "-tls1_2"):      # TLS 1.3 tickets, RFC 5077 tickets
        if os.path.exists(sess):
            os.unlink(sess)
        rc, out = s_client(port, version, "-sess_out", sess, "-ign_eof")
        check(negotiated(out) is not None and os.path.exists(sess),
              "s_client %s -sess_out saved a session" % version)
        rc, out = s_client(port, version, "-sess_in", sess, "-ign_eof")
        got = negotiated(out)
        check(got is not None and got[0] == "Reused",
              "s_client %s -sess_in: Reused (%s)" % (version, got))
    # across processes: the first connection stays open while the second
    # resumes its session, so a second smtpd process serves it
    ctx = client_ctx()

    def starttls():
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        f = s.makefile("rb")
        read_reply(f)
        s.sendall(b"EHLO c\r\n")
        read_reply(f)
        s.sendall(b"STARTTLS\r\n")
        read_reply(f)
        return s

    first = ctx.wrap_socket(starttls(), server_hostname=HOST)
    first.sendall(b"NOOP\r\n")
    first.recv(100)                   # TLS 1.3: the ticket comes after the handshake
    second = ctx.wrap_socket(starttls(), server_hostname=HOST, session=first.session)
    second.sendall(b"NOOP\r\n")
    check(second.recv(100).startswith(b"250"), "resumed connection works")
    check(second.session_reused, "a second smtpd process resumed the first one's session")
    for t in (first, second):
        t.sendall(b"QUIT\r\n")
        t.close()
    key = os.path.join(inst.data, "smtpd_tls_ticket.key")
    st = os.stat(key) if os.path.exists(key) else None
    check(st is not None and st.st_size == 80 and (st.st_mode & 0o777) == 0o600,
          "ticket key $data_directory/smtpd_tls_ticket.key, 80 bytes, mode 0600")


def main():
    inst = MailInstance(BIN, params={})
    certs = make_certificates(os.path.join(inst.root, "tls"))
    inst.master_cf_text = master_cf(certs)
    inst.extra_params.update({
        "smtpd_tls_cert_file": certs["fullchain"],
        "smtpd_tls_key_file": certs["key"],
        "smtpd_tls_security_level": "may",
        "smtpd_tls_loglevel": "1",
        "smtpd_tls_received_header": "yes",
    })
    try:
        inst.start()
        for test in (lambda: test_smtplib_starttls(inst, certs), lambda: test_protocols(inst),
                     lambda: test_chain(inst, certs), lambda: test_injection(inst),
                     lambda: test_wrapper(inst), lambda: test_encrypt(inst),
                     lambda: test_broken(inst), lambda: test_resumption(inst)):
            try:
                test()
            except Exception as e:  # one broken test must not hide the others
                check(False, "%s raised %r" % (getattr(test, "__name__", "test"), e))
    finally:
        inst.stop()
        log = inst.log_text()
        inst.cleanup() if not failures else print(log[-4000:])
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("all TLS checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
