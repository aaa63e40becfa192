#!/usr/bin/env python3
"""parse_dsn.py - checks with Python's email package that Postern's
delivery status notifications are well-formed RFC 3464 multipart/report
messages. Argument: the test_bounce program (run as 'test_bounce dump MODE')."""
import email
import email.policy
import subprocess
import sys

prog = sys.argv[1]
failures = 0


def check(mode, want_last_type, want_body):
    global failures
    raw = subprocess.run([prog, "dump", mode], check=True, capture_output=True).stdout
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    problems = []
    if msg.get_content_type() != "multipart/report":
        problems.append("top type %s" % msg.get_content_type())
    if msg.get_param("report-type") != "delivery-status":
        problems.append("report-type %s" % msg.get_param("report-type"))
    parts = list(msg.iter_parts())
    types = [p.get_content_type() for p in parts]
    if types != ["text/plain", "message/delivery-status", want_last_type]:
        problems.append("parts %s" % types)
    else:
        status = parts[1]
        blocks = status.get_payload()
        fields = {}
        for b in blocks:
            for k, v in b.items():
                fields[k.lower()] = str(v)
        if fields.get("reporting-mta") != "dns; mx1.example.net":
            problems.append("reporting-mta %r" % fields.get("reporting-mta"))
        if fields.get("action") != "failed" or fields.get("status") != "5.1.1":
            problems.append("action/status %r %r" % (fields.get("action"), fields.get("status")))
        text = raw.decode()
        if ("body line 1" in text) != want_body:
            problems.append("body presence wrong")
    if problems:
        failures += 1
        print("FAIL %s: %s" % (mode, "; ".join(problems)))
    else:
        print("ok %s" % mode)


check("FULL", "message/rfc822", True)
check("HDRS", "text/rfc822-headers", False)
check("BIG", "text/rfc822-headers", False)
print("%d passed, %d failed" % (3 - failures, failures))
sys.exit(1 if failures else 0)
