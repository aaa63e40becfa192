#!/usr/bin/env python3
"""Aliases on a started instance (sendmail and SMTP -> cleanup -> qmgr ->
local).

Checks: aliases of aliases are followed (pm -> rt -> adm -> the user; a
chain ending in a /file path; a chain through an address with a local
domain); an alias loop bounces instead of looping; a table rebuilt with
postalias is seen by the very next message, by local (a new alias
delivered, not bounced) and by smtpd's local_recipient_maps (a new alias
accepted at RCPT), although processes with the
old table are idle at that moment.

usage: test_alias_path.py BIN_DIR SRC_DIR
"""
import os
import smtplib
import sys

BIN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "tests", "integration", "mail_path"))
from mail_instance import MailInstance, header, wait_for  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def subjects(inst):
    return [header(m, "Subject")[0] for m in inst.messages() if header(m, "Subject")]


def wait_subject(inst, subject, timeout=30):
    return wait_for(lambda: subject in subjects(inst), timeout, step=0.1)


def write_aliases(inst, extra):
    path = os.path.join(inst.conf, "aliases")
    with open(path) as f:
        base = f.read().split("# alias_path\n")[0]
    with open(path, "w") as f:
        f.write(base + "# alias_path\n" + extra)
    inst.run("postalias", "-c", inst.conf, path)


def test_nested(inst):
    sent_file = os.path.join(inst.mail_dir, "filed.mbox")   # 1777: default_privs may write
    write_aliases(inst, "pm: rt\nrt: adm\nadm: %s\nfchain: fmid\nfmid: %s\n"
                  "dchain: dmid@example.test\ndmid: %s\nloopa: loopb\nloopb: loopa\n"
                  % (inst.user, sent_file, inst.user))
    inst.send(["-i", "pm@localhost"], b"Subject: nested pm\n\nbody\n")
    check(wait_subject(inst, "nested pm"), "pm -> rt -> adm -> %s delivered" % inst.user)
    inst.send(["-i", "dchain@localhost"], b"Subject: nested domain\n\nbody\n")
    check(wait_subject(inst, "nested domain"),
          "an alias to an address in a local domain is expanded again")
    inst.send(["-i", "fchain@localhost"], b"Subject: nested file\n\nbody\n")
    check(wait_for(lambda: os.path.exists(sent_file)
                   and b"Subject: nested file" in open(sent_file, "rb").read(), 30, step=0.1),
          "fchain -> fmid -> /file delivered to the file")
    inst.send(["-i", "-f", "bouncer@localhost", "loopa@localhost"], b"Subject: looping\n\nbody\n")
    check(inst.wait_for_log(r"to=<loopa@localhost>.*status=bounced") is not None,
          "an alias loop bounces (no endless expansion)")


def test_new_table_seen_at_once(inst):
    # a delivery first, so that a local process with the current table is
    # idle when the table changes
    inst.send(["-i", inst.user + "@localhost"], b"Subject: warm up\n\nbody\n")
    check(wait_subject(inst, "warm up"), "warm-up message delivered")
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        code, _ = s.ehlo("warm.example")
        s.mail("x@example.org")
        code, _ = s.rcpt("freshalias@localhost")
        check(code == 550, "before the change, freshalias is unknown to smtpd (%d)" % code)
        s.rset()
    write_aliases(inst, "freshalias: %s\n" % inst.user)
    inst.send(["-i", "freshalias@localhost"], b"Subject: fresh alias\n\nbody\n")
    check(wait_subject(inst, "fresh alias"), "the first message after postalias uses the new alias")
    check(inst.wait_for_log(r"to=<freshalias@localhost>.*status=bounced", timeout=1) is None,
          "no bounce for the new alias")
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.ehlo("fresh.example")
        s.mail("x@example.org")
        code, _ = s.rcpt("freshalias@localhost")
        check(code == 250, "smtpd accepts the new alias at once (%d)" % code)


def main():
    required = ("master", "postern", "qmgr", "local", "cleanup", "pickup", "sendmail",
                "postalias", "smtpd")
    missing = [p for p in required if not os.access(os.path.join(BIN, p), os.X_OK)]
    if missing:
        print("alias_path: missing programs %s" % missing)
        return 1
    with MailInstance(BIN, src_dir=SRC) as inst:
        inst.start()
        test_nested(inst)
        test_new_table_seen_at_once(inst)
        if failures:
            print(inst._tail(60))
        inst.stop()
    print("alias_path: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
