#!/usr/bin/env python3
"""Integration test of the instance harness (postern_instance.py).

Creates instances from the checkout's conf/, starts master on them, and
checks: main.cf carries the instance's paths and owner, inet services were
moved to free 127.0.0.1 ports, a fixture daemon on such a port answers,
the stock services whose programs are not built are reported, a reload
is seen, SIGTERM stops master and its children, two instances run side by
side, and the temporary directory goes away.

usage: test_harness.py BIN_DIR [FIXTURE_PROGRAM]
"""
import os
import pwd
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postern_instance import DEFAULT_SRC, PosternInstance, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
FIXTURE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def read_conf(inst, name):
    with open(os.path.join(inst.conf, name)) as f:
        return f.read()


def ask(port, line):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(line.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
        return reply.decode(errors="replace")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is gone for our purposes
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_files_and_ports():
    with PosternInstance(BIN) as inst:
        check(inst.param("queue_directory") == inst.queue, "queue_directory is the instance's")
        check(inst.param("maillog_file") == inst.maillog, "maillog_file is the instance's")
        check(inst.param("daemon_directory") == BIN, "daemon_directory is the build's bin")
        want = "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
        check(inst.param("mail_owner") == want, "mail_owner is the test user (nobody for root)")
        check("smtp" in inst.ports, "the smtp inet service got a port")
        master_cf = read_conf(inst, "master.cf")
        check(re.search(r"^127\.0\.0\.1:%d\s+inet\s" % inst.port("smtp"), master_cf, re.M),
              "master.cf listens on loopback")
        check("\nsmtp      inet" not in master_cf, "no inet service left on its stock address")
        check(read_conf(inst, "main.cf").startswith("# main.cf - the global configuration"),
              "main.cf keeps the comments of conf/main.cf")
        root = inst.root
    check(not os.path.exists(root), "the instance directory is removed")


def test_start_serve_reload_stop():
    master_cf = None
    if FIXTURE:
        with open(os.path.join(DEFAULT_SRC, "conf", "master.cf")) as f:
            master_cf = f.read() + "fixture   inet  n       -       n       -       2       server_fixture\n"
    inst = PosternInstance(BIN, master_cf=master_cf,
                           extra_programs=[FIXTURE] if FIXTURE else None)
    try:
        inst.start(verbose=True)
        pid = inst.master.pid
        check(inst.master.poll() is None, "master runs")
        check("daemon started" in inst.log_text(), "the log shows master started")
        if inst.program_exists("smtpd"):
            banner = ask(inst.port("smtp"), "QUIT")
            check(banner.startswith("220 "), "smtpd greets on its port: " + banner.strip())
        else:
            check(inst.wait_for_log(r"smtpd.*not started|not started.*smtpd", 5) is not None,
                  "the missing smtpd is reported in the log")
        if FIXTURE:
            reply = ask(inst.port("fixture"), "hello")
            check("line=hello" in reply, "the fixture answers on its loopback port: " + reply.strip())
        inst.set_params(max_idle="30s")
        inst.reload()
        check(inst.param("max_idle") == "30s", "set_params changed main.cf")
        children = inst.spawned_pids()
        if FIXTURE:
            check(len(children) > 0, "master logged the children it spawned")
        code = inst.stop()
        check(code == 0, "master exits 0 on SIGTERM (got %s)" % code)
        check(not alive(pid), "master is gone")
        check(wait_for(lambda: not any(alive(p) for p in children), 10),
              "no child of master is left")
    finally:
        inst.cleanup()


def test_two_instances():
    with PosternInstance(BIN) as a, PosternInstance(BIN) as b:
        a.start()
        b.start()
        check(a.port("smtp") != b.port("smtp"), "two instances get different ports")
        check(a.master.poll() is None and b.master.poll() is None, "both masters run")
        check(a.stop() == 0 and b.stop() == 0, "both stop cleanly")


def main():
    for test in (test_files_and_ports, test_start_serve_reload_stop, test_two_instances):
        try:
            test()
        except Exception as e:  # report and go on with the next test
            check(False, "%s raised %s: %s" % (test.__name__, type(e).__name__, e))
    print("harness: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
