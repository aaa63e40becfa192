#!/usr/bin/env python3
"""The mail path end to end, on a started instance (master + pickup +
cleanup + qmgr + local, submitted with the build's sendmail).

Checks: sendmail with recipients and sendmail -t deliver into a local
user's Maildir with the exact body and the added headers (Return-Path,
X-Original-To, Delivered-To, Message-Id, Date, From) and the log lines of
each step; -i and the lone-dot rule; Bcc removed; aliases from a
postalias'd file, sendmail -bi, and user+tag; an unknown user bounces (5.1.1) with a
DSN to the sender; a remote recipient is deferred and shown by postqueue
-p, -j and sendmail -bp; postsuper -h/-H/-d (when postsuper is built); master restarts
a killed qmgr and mail still flows; SIGHUP makes a new mydestination
local; pflogsumm (when installed) counts the log's received, delivered,
deferred and bounced messages.

usage: test_mail_path.py BIN_DIR
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mail_instance import MailInstance, header, parse, wait_for  # noqa: E402
from postern_instance import free_port  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def by_subject(messages, subject):
    return [m for m in messages if header(m, "Subject") == [subject]]


def wait_subject(inst, subject, name=None, count=1, timeout=30):
    found = wait_for(lambda: len(by_subject(inst.messages(name), subject)) >= count
                     and by_subject(inst.messages(name), subject), timeout, step=0.1)
    return found or []


def queue_id_of(inst, message_id):
    m = inst.wait_for_log(r"cleanup\[\d+\]: (\w+): message-id=<%s>" % re.escape(message_id))
    return m.group(1) if m else None


def test_sendmail_recipients(inst):
    user = inst.user
    body = b"first line\n.\n..two dots\nFrom the start\n\ttab and trailing space \n\nlast\n"
    msg = b"Subject: plain\nFrom: Sender <sender@example.org>\n\n" + body
    inst.send(["-i", "-f", "sender@example.org", user + "@localhost"], msg)
    got = wait_subject(inst, "plain")
    if not check(len(got) == 1, "sendmail -i -f: one message in %s's Maildir" % user):
        return
    raw = got[0]
    items, delivered_body = parse(raw)
    check(delivered_body == body, "body delivered byte for byte (lone dot kept with -i)")
    check(items[0] == ("Return-Path", "<sender@example.org>"), "Return-Path first, the envelope sender")
    check(header(raw, "Delivered-To") == [user + "@localhost"], "Delivered-To: the recipient")
    check(header(raw, "X-Original-To") == [user + "@localhost"], "X-Original-To: the original recipient")
    check(header(raw, "From") == ["Sender <sender@example.org>"], "the message's own From: kept")
    mid = header(raw, "Message-Id")
    check(len(mid) == 1 and re.fullmatch(r"<[^<>@]+@postern\.test>", mid[0]),
          "Message-Id added for a local submission: %s" % mid)
    check(len(header(raw, "Date")) == 1, "Date added for a local submission")
    qid = queue_id_of(inst, mid[0][1:-1]) if mid else None
    if not check(qid is not None, "cleanup logged QUEUEID: message-id=<...>"):
        return
    log = inst.log_text()
    check(re.search(r"pickup\[\d+\]: %s: uid=\d+ from=<sender@example.org>" % qid, log),
          "pickup logged %s: uid=N from=<sender@example.org>" % qid)
    check(re.search(r"qmgr\[\d+\]: %s: from=<sender@example.org>, size=\d+, nrcpt=1 \(queue active\)"
                    % qid, log), "qmgr logged from=, size=, nrcpt=1 (queue active)")
    check(inst.wait_for_log(r"local\[\d+\]: %s: to=<%s@localhost>, relay=local, delay=[\d.]+, "
                            r"delays=[\d.]+/[\d.]+/[\d.]+/[\d.]+, dsn=2\.0\.0, "
                            r"status=sent \(delivered to maildir\)" % (qid, re.escape(user))),
          "local logged to=<...>, relay=local, delays=a/b/c/d, dsn=2.0.0, status=sent")
    check(inst.wait_for_log(r"qmgr\[\d+\]: %s: removed" % qid), "qmgr logged removed")
    name = os.path.basename(inst.message_files()[-1])
    check(re.search(r",S=%d,W=\d+$" % len(raw), name) is not None, "Maildir name carries ,S=size")


def test_lone_dot_without_i(inst):
    inst.send([inst.user + "@localhost"], b"Subject: dot\n\nbefore\n.\nafter\n")
    got = wait_subject(inst, "dot")
    check(len(got) == 1 and parse(got[0])[1] == b"before\n",
          "sendmail without -i: a lone dot ends the message")


def test_sendmail_t(inst):
    user = inst.user
    msg = ("To: %s@localhost\nCc: sample@example.test\nBcc: %s+bcc@localhost\n"
           "Subject: dash-t\n\nvia -t\n" % (user, user)).encode()
    inst.send(["-t", "-i"], msg)
    mine = wait_subject(inst, "dash-t", count=2)
    sample = wait_subject(inst, "dash-t", name="sample")
    check(len(mine) == 2, "sendmail -t: To: and Bcc: copies in %s's Maildir" % user)
    check(len(sample) == 1, "sendmail -t: Cc: copy in sample's Maildir (alias to a Maildir path)")
    every = mine + sample
    check(all(not header(m, "Bcc") for m in every), "Bcc: header removed")
    check(all(parse(m)[1] == b"via -t\n" for m in every), "body intact in every copy")
    delivered = sorted(header(m, "Delivered-To")[0] for m in mine)
    check(delivered == sorted([user + "@localhost", user + "+bcc@localhost"]),
          "Delivered-To of the two copies: %s" % delivered)


def test_aliases_and_tags(inst):
    user = inst.user
    inst.send([user + "+tag@localhost"], b"Subject: tagged\n\nplus\n")
    got = wait_subject(inst, "tagged")
    check(len(got) == 1 and header(got[0], "Delivered-To") == [user + "+tag@localhost"],
          "user+tag@localhost delivered to user's Maildir with Delivered-To: user+tag")
    inst.send(["team@example.test"], b"Subject: to-team\n\nalias\n")
    check(len(wait_subject(inst, "to-team")) == 1, "alias team -> %s delivered" % user)
    check(len(wait_subject(inst, "to-team", name="sample")) == 1,
          "alias team -> sample (a Maildir path) delivered")
    inst.send(["team+x@example.test"], b"Subject: team-tag\n\nalias with tag\n")
    got = wait_subject(inst, "team-tag")
    check(len(got) == 1, "team+x: the alias without its extension is used")
    with open(os.path.join(inst.conf, "aliases"), "a") as f:
        f.write("late: sample\n")
    inst.send(["-bi"], b"")
    table = "hash:" + os.path.join(inst.conf, "aliases")
    query = inst.run("postalias", "-c", inst.conf, "-q", "late", table, check=False)
    check(query.stdout == b"sample\n", "sendmail -bi rebuilt the aliases table")


def test_unknown_user_bounces(inst):
    user = inst.user
    inst.send(["-f", user + "@localhost", "nosuchuser@localhost"], b"Subject: lost\n\nbounce me\n")
    check(inst.wait_for_log(r"to=<nosuchuser@localhost>, relay=local, .*dsn=5\.1\.1, status=bounced"),
          "unknown local user: dsn=5.1.1 status=bounced")
    dsn = wait_subject(inst, "Undelivered Mail Returned to Sender")
    ok = len(dsn) == 1
    check(ok, "a delivery status notification reached the sender")
    if ok:
        text = dsn[0].decode(errors="replace")
        check(header(dsn[0], "Return-Path") == ["<>"], "the DSN has the null sender")
        check("Status: 5.1.1" in text and "Final-Recipient: rfc822; nosuchuser@localhost" in text,
              "the DSN names the recipient and 5.1.1")
        check("Subject: lost" in text, "the DSN returns the original message")


def postqueue(inst, *args):
    return inst.run("postqueue", "-c", inst.conf, *args).stdout.decode(errors="replace")


def test_deferred_and_queue_tools(inst):
    inst.send(["-f", inst.user + "@localhost", "someone@remote.invalid"], b"Subject: far\n\nremote\n")
    m = inst.wait_for_log(r"(\w+): to=<someone@remote\.invalid>, relay=none, .*status=deferred")
    if not check(m is not None, "remote recipient whose next hop is down: deferred"):
        return
    qid = m.group(1)
    # a delivery agent logs before qmgr has moved the file to deferred/
    wait_for(lambda: any(p.endswith("/" + qid) for p in inst.queue_files("deferred")), 10)
    out = postqueue(inst, "-p")
    lines = out.splitlines()
    check(bool(lines) and re.match(r"^-+Queue ID-+ +-+Size-+ +-+Arrival Time-+ +-+Sender/Recipient-+$",
                                   lines[0]), "postqueue -p: Postfix's heading")
    check(re.search(r"^%s +\d+ \w{3} \w{3} +\d+ \d\d:\d\d:\d\d +%s@localhost$"
                    % (qid, re.escape(inst.user)), out, re.M) is not None,
          "postqueue -p: id, size, arrival, sender")
    check(re.search(r"^ *\((delivery temporarily suspended: |connect to ).*\)$", out, re.M) is not None,
          "postqueue -p: the deferral reason in parentheses (%s)" % out)
    check(re.search(r"^ {20,}someone@remote\.invalid$", out, re.M) is not None,
          "postqueue -p: the recipient, indented")
    check(re.search(r"^-- \d+ Kbytes in 1 Request\.$", out, re.M) is not None,
          "postqueue -p: the summary line")
    check(inst.send(["-bp"], b"").stdout.decode(errors="replace") == out,
          "sendmail -bp prints what postqueue -p prints")
    entries = [json.loads(line) for line in postqueue(inst, "-j").splitlines() if line.strip()]
    check(len(entries) == 1 and entries[0].get("queue_id") == qid
          and entries[0].get("queue_name") == "deferred"
          and entries[0]["recipients"][0].get("address") == "someone@remote.invalid",
          "postqueue -j: one JSON object, deferred, with its recipient")
    if not inst.program_exists("postsuper"):
        print("skip postsuper: not in this build")
        postsuper_delete_fallback(inst, qid)
        return
    inst.run("postsuper", "-c", inst.conf, "-h", qid)
    check(re.search(r"^%s! " % qid, postqueue(inst, "-p"), re.M) is not None,
          "postsuper -h: postqueue -p marks the message held (!)")
    check(any(p.endswith("/" + qid) for p in inst.queue_files("hold")), "postsuper -h: file in hold/")
    inst.run("postsuper", "-c", inst.conf, "-H", qid)
    check(not inst.queue_files("hold") and re.search(r"^%s " % qid, postqueue(inst, "-p"), re.M),
          "postsuper -H: released from hold")
    proc = inst.run("postsuper", "-c", inst.conf, "-d", qid)
    check("Deleted: 1 message" in proc.stderr.decode(errors="replace"),
          "postsuper -d: 'Deleted: 1 message'")
    check(postqueue(inst, "-p").strip() == "Mail queue is empty", "postsuper -d: queue empty")


def postsuper_delete_fallback(inst, qid):
    """Without postsuper, remove the deferred file so later counts hold."""
    for path in inst.queue_files("deferred"):
        if path.endswith("/" + qid):
            os.unlink(path)


def child_pids(master_pid, comm):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == master_pid and name == comm:
            pids.append(int(entry))
    return pids


def test_master_restarts_qmgr(inst):
    pids = wait_for(lambda: child_pids(inst.master.pid, "qmgr"), 10)
    if not check(bool(pids), "qmgr runs as master's child"):
        return
    os.kill(pids[0], signal.SIGKILL)
    check(inst.wait_for_log(r"warning: process \S*qmgr pid %d killed by signal 9" % pids[0]),
          "master logged the killed qmgr")
    # The next wake-up from cleanup makes master start a new qmgr.
    inst.send([inst.user + "@localhost"], b"Subject: after-kill\n\nstill flows\n")
    check(len(wait_subject(inst, "after-kill")) == 1, "mail delivered after qmgr was killed")
    check(wait_for(lambda: [p for p in child_pids(inst.master.pid, "qmgr") if p != pids[0]], 20),
          "master started a new qmgr")


def test_reload_mydestination(inst):
    inst.set_params(mydestination="$myhostname, localhost, example.test, new.example")
    inst.reload()
    inst.send([inst.user + "@new.example"], b"Subject: new-domain\n\nafter reload\n")
    got = wait_subject(inst, "new-domain")
    check(len(got) == 1 and header(got[0], "Delivered-To") == [inst.user + "@new.example"],
          "after SIGHUP a new mydestination domain is delivered locally")


def test_pflogsumm(inst, expected):
    if not shutil.which("pflogsumm"):
        print("skip pflogsumm: not installed (scripts/deps.sh pflogsumm)")
        return
    out = subprocess.run(["pflogsumm", "--syslog-name=postern", inst.maillog],
                         capture_output=True, text=True, timeout=60).stdout
    counts = {}
    for what in ("received", "delivered", "deferred", "bounced"):
        m = re.search(r"^\s*(\d+)\s+%s\b" % what, out, re.M)
        counts[what] = int(m.group(1)) if m else None
    print("pflogsumm:", counts, "expected:", expected)
    check(counts == expected, "pflogsumm counts the log's messages")


def main():
    required = ("master", "postern", "qmgr", "local", "cleanup", "pickup", "sendmail", "postalias")
    missing = [p for p in required if not os.access(os.path.join(BIN, p), os.X_OK)]
    if missing:
        print("mail_path: missing programs %s" % missing)
        return 1
    # remote.invalid goes to a loopback port where nothing listens, so that
    # it is deferred whether or not the smtp agent is built
    down = "inline:{remote.invalid=smtp:[127.0.0.1]:%d}" % free_port()
    with MailInstance(BIN, params={"transport_maps": down}) as inst:
        inst.start()
        test_sendmail_recipients(inst)
        test_lone_dot_without_i(inst)
        test_sendmail_t(inst)
        test_aliases_and_tags(inst)
        test_unknown_user_bounces(inst)
        test_deferred_and_queue_tools(inst)
        test_master_restarts_qmgr(inst)
        test_reload_mydestination(inst)
        check(inst.wait_queue_empty(), "maildrop, incoming and active are empty at the end")
        # received: the 10 submissions (pickup lines); delivered: one per
        # "status=sent" line, i.e. per original recipient: 3 for the -t
        # message, 1 for each of the other 7 delivered submissions, 1 for
        # the DSN; one deferral, one bounce.
        test_pflogsumm(inst, {"received": 10, "delivered": 11, "deferred": 1, "bounced": 1})
        code = inst.stop()
        check(code == 0, "master stopped with status 0")
        if failures:
            print(inst._tail(60))
    print("mail_path: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
