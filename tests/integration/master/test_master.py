#!/usr/bin/env python3
"""Integration test of master(8) and postern(1) on a temporary instance.

Runs master as the current user (as root, the children must run as
mail_owner = nobody) with the server skeleton's test fixture on a free
127.0.0.1 port and on UNIX sockets, and checks: connections are served,
a killed child is logged and replaced, maxproc holds the next client
back, wake-up requests arrive, a child that dies at startup throttles its
service, SIGHUP adds a listener without dropping a connection, a second
master is refused, a missing program is reported and not started, SIGTERM
stops every process and removes the pid file, and postern start / status
/ stop work. Every wait is bounded; only processes started here are
signalled.

usage: test_master.py BIN_DIR TESTS_BIN_DIR [--as-nobody]

--as-nobody: when run as root, run the whole test again as user nobody
(through setpriv and /usr/bin/python3), so that the unprivileged path (no
chroot, no privilege change) and the children's leak checks are covered
too; exits 77 (skipped) when not root, where the plain run covers it.
"""
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN, TESTS_BIN = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
if sys.argv[3:] == ["--as-nobody"]:
    if os.geteuid() != 0:
        print("not root: the plain run already covers the unprivileged path")
        sys.exit(77)
    os.execv("/usr/bin/setpriv", ["setpriv", "--reuid=nobody", "--regid=nogroup",
                                  "--clear-groups", "/usr/bin/python3",
                                  os.path.abspath(__file__), BIN, TESTS_BIN])
IS_ROOT = os.geteuid() == 0
failures = []
if IS_ROOT:
    # LeakSanitizer cannot inspect a process that dropped privileges (it is
    # no longer dumpable) or that is chrooted (no /proc): in a sanitizer
    # build its exit check would fail every child. Leaks are checked by the
    # unit tests and by a run as an ordinary user.
    os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def wait_for(pred, timeout=10.0, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(step)
    return pred()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="postern-master-test-")
        os.chmod(self.root, 0o755)
        self.conf = os.path.join(self.root, "conf")
        self.queue = os.path.join(self.root, "queue")
        self.libexec = os.path.join(self.root, "libexec")
        self.log = os.path.join(self.root, "maillog")
        for d in (self.conf, self.queue, self.libexec):
            os.mkdir(d)
            os.chmod(d, 0o755)
        os.symlink(os.path.join(BIN, "master"), os.path.join(self.libexec, "master"))
        os.symlink(os.path.join(TESTS_BIN, "server_fixture"),
                   os.path.join(self.libexec, "server_fixture"))
        self.port = free_port()
        self.port2 = free_port()
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(f"""queue_directory = {self.queue}
daemon_directory = {self.libexec}
data_directory = {self.root}/data
maillog_file = {self.log}
mail_owner = nobody
setgid_group = nogroup
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
service_throttle_time = 2s
import_environment = MAIL_CONFIG TZ LANG=C ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
    POSTERN_TEST_IMPORTED
max_idle = 60s
""")
        self.write_master_cf(extra="")
        self.master = None
        self.daemon_pid = 0     # master started by "postern start"
        self.seen_pids = set()

    def write_master_cf(self, extra):
        # echo: private unix, chrooted when root; tick: trigger server
        # woken every second; bad: dies at startup; tlsmgr: not in Postern.
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(f"""# test instance
127.0.0.1:{self.port} inet n - n - 2 server_fixture
echo      unix  -       -       y       -       1       server_fixture
tick      unix  -       -       n       1       1       server_fixture
  -o syslog_name=postern/$service_name trigger
bad       unix  -       -       n       -       1       server_fixture fail
multi     unix  -       -       n       -       1       server_fixture event
slow      unix  -       -       n       -       1       server_fixture slow
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
{extra}""")

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start_master(self):
        self.master_err = open(os.path.join(self.root, "master.stderr"), "w")
        env = dict(os.environ, POSTERN_TEST_IMPORTED="yes", POSTERN_TEST_SECRET="leaked")
        self.master = subprocess.Popen(
            [os.path.join(BIN, "master"), "-c", self.conf, "-d"], env=env,
            stdin=subprocess.DEVNULL, stdout=self.master_err, stderr=self.master_err)
        return wait_for(lambda: "daemon started" in self.log_text(), 10)

    def cleanup(self):
        if self.master and self.master.poll() is None:
            self.master.kill()
            self.master.wait(10)
        for pid in list(self.seen_pids) + ([self.daemon_pid] if self.daemon_pid else []):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        shutil.rmtree(self.root, ignore_errors=True)


def connect_inet(port, timeout=5.0):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def connect_unix(path, timeout=5.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def ask(sock, line, timeout=5.0):
    """Sends a line, returns the reply as a dict, or None on timeout/EOF."""
    sock.settimeout(timeout)
    try:
        sock.sendall(line.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(1024)
            if not chunk:
                return None
            data += chunk
    except (socket.timeout, OSError):
        return None
    head, _, line = data.decode().rstrip("\n").partition(" line=")
    fields = dict(item.split("=", 1) for item in head.split(" ") if "=" in item)
    fields["line"] = line
    return fields


def alive(pid):
    """True while pid runs (a zombie waiting for its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def test_serving(inst):
    with connect_inet(inst.port) as s:
        r = ask(s, "hello")
        if not check(r is not None and r["line"] == "hello", "inet service answers"):
            return
        inst.seen_pids.add(int(r["pid"]))
        check(r["service"] == f"127.0.0.1:{inst.port}", "child got its service name (-n)")
        check(r["imported"] == "yes" and r["secret"] == "-",
              "children get only the import_environment variables")
        if IS_ROOT:
            nobody = pwd.getpwnam("nobody")
            check(int(r["uid"]) == nobody.pw_uid, "child runs as mail_owner (nobody)")
            check(int(r["gid"]) == nobody.pw_gid, "child runs with mail_owner's group")
        else:
            check(int(r["uid"]) == os.getuid(), "child runs as the invoking user")
    sock_path = os.path.join(inst.queue, "private", "echo")
    check(os.path.exists(sock_path), "unix listener created under private/")
    if IS_ROOT:
        st = os.stat(sock_path)
        check(st.st_uid == pwd.getpwnam("nobody").pw_uid and st.st_mode & 0o777 == 0o600,
              "private socket owned by mail_owner, mode 0600")
    with connect_unix(sock_path) as s:
        r = ask(s, "via unix")
        check(r is not None and r["line"] == "via unix" and r["service"] == "echo",
              "unix service answers (chroot when root)")
        if r:
            inst.seen_pids.add(int(r["pid"]))


def test_event_server(inst):
    path = os.path.join(inst.queue, "private", "multi")
    socks = [connect_unix(path) for _ in range(3)]
    try:
        replies = [ask(s, f"client {i}") for i, s in enumerate(socks)]
        ok = all(r is not None and r["line"] == f"client {i}" for i, r in enumerate(replies))
        check(ok, "event server: three concurrent clients answered (maxproc 1)")
        if not ok:
            return
        pids = {r["pid"] for r in replies}
        check(len(pids) == 1, "event server: one process serves them all")
        inst.seen_pids.update(int(p) for p in pids)
        socks[0].close()
        r = ask(socks[2], "still there")
        check(r is not None and r["pid"] in pids, "event server: others go on after one leaves")
    finally:
        for s in socks:
            s.close()


def test_kill_restart(inst):
    with connect_inet(inst.port) as s:
        r = ask(s, "before kill")
    if not check(r is not None, "got a child to kill"):
        return
    pid = int(r["pid"])
    os.kill(pid, signal.SIGKILL)
    msg = f"pid {pid} killed by signal 9"
    check(wait_for(lambda: msg in inst.log_text(), 10), "master logs: " + msg)
    with connect_inet(inst.port) as s:
        r2 = ask(s, "after kill")
    check(r2 is not None and int(r2["pid"]) != pid, "a new child serves after the kill")
    if r2:
        inst.seen_pids.add(int(r2["pid"]))
    check("throttling" not in inst.log_text().split(msg, 1)[-1].split("\n", 1)[0],
          "a child that had served is not a bad startup")


def test_maxproc(inst):
    first, second = connect_inet(inst.port), connect_inet(inst.port)
    third = None
    try:
        r1, r2 = ask(first, "one"), ask(second, "two")
        check(r1 is not None and r2 is not None and r1["pid"] != r2["pid"],
              "maxproc 2: two clients served by two children")
        for r in (r1, r2):
            if r:
                inst.seen_pids.add(int(r["pid"]))
        check(wait_for(lambda: f'service "127.0.0.1:{inst.port}" (127.0.0.1:{inst.port}) has '
                       'reached its process limit "2": new clients may be delayed'
                       in inst.log_text(), 5), "reaching maxproc is logged")
        third = connect_inet(inst.port)
        r3 = ask(third, "three", timeout=1.5)
        check(r3 is None, "maxproc 2: the third client waits")
        first.close()
        third.settimeout(10)
        data = b""
        end = time.monotonic() + 10
        while not data.endswith(b"\n") and time.monotonic() < end:
            chunk = third.recv(1024)
            if not chunk:
                break
            data += chunk
        check(b"line=three" in data, "the third client is served once a child is free")
    finally:
        for s in (first, second, third):
            if s:
                s.close()


def test_wakeup(inst):
    check(wait_for(lambda: "trigger: W" in inst.log_text(), 10),
          "wakeup 1: the trigger service receives wake-up requests")
    check("postern/tick/server_fixture[" in inst.log_text(),
          "master.cf -o syslog_name=postern/$service_name names the log tag")
    check(wait_for(lambda: "loop: 3" in inst.log_text(), 5),
          "the loop callback runs periodically between requests")
    count = inst.log_text().count("trigger: W")
    check(wait_for(lambda: inst.log_text().count("trigger: W") > count, 5),
          "wake-up requests repeat")


def test_throttle(inst):
    try:
        with connect_unix(os.path.join(inst.queue, "private", "bad"), 2) as s:
            s.settimeout(2)
            try:
                s.recv(1)
            except OSError:
                pass
    except OSError:
        pass
    check(wait_for(lambda: "server_fixture: bad command startup -- throttling"
                   in inst.log_text(), 10),
          "a child that dies at startup throttles its service")
    check("exit status 1" in inst.log_text(), "its exit status is logged")


def test_kill_after_startup(inst):
    """A child killed after its first seconds (qmgr busy scanning) is
    restarted without the bad-startup throttle."""
    sock = connect_unix(os.path.join(inst.queue, "private", "slow"), 2)
    try:
        m = wait_for(lambda: re.search(r"server_fixture\[(\d+)\]: slow start", inst.log_text()), 10)
        if not check(m is not None, "slow service started"):
            return
        pid = int(m.group(1))
        time.sleep(6)       # master's MASTER_STARTUP_SECONDS is 5
        os.kill(pid, signal.SIGKILL)
        msg = f"pid {pid} killed by signal 9"
        check(wait_for(lambda: msg in inst.log_text(), 10), "master logs: " + msg)
        time.sleep(1)
        after = inst.log_text().split(msg, 1)[-1]
        check("bad command startup" not in after,
              "a child killed after its first seconds is not a bad startup")
        check(wait_for(lambda: len(re.findall(r"server_fixture\[\d+\]: slow start",
                                              inst.log_text())) >= 2, 10),
              "master starts a new child for the waiting client at once")
    finally:
        sock.close()


def plant_temp_files(inst):
    """Before master starts: writer temporary files as killed writers leave
    them (old, writer gone), one still fresh, one old whose writer lives."""
    dead = 4194303          # above the default pid_max: no such process
    plan = {"incoming/tmp.%d.1" % dead: 7200, "maildrop/tmp.%d.2" % dead: 7200,
            "incoming/tmp.%d.3" % dead: 10, "incoming/tmp.%d.4" % os.getpid(): 7200}
    for rel, age in plan.items():
        path = os.path.join(inst.queue, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("partial")
        t = time.time() - age
        os.utime(path, (t, t))
    inst.planted = plan


def test_stale_temp_swept(inst):
    dead = [r for r, age in inst.planted.items() if age > 3600 and "tmp.%d." % os.getpid() not in r]
    for rel in dead:
        check(wait_for(lambda: "removed stale temporary file " + rel in inst.log_text(), 5)
              and not os.path.exists(os.path.join(inst.queue, rel)),
              "master start removes the stale " + rel)
    for rel in set(inst.planted) - set(dead):
        check(os.path.exists(os.path.join(inst.queue, rel)),
              "kept " + rel + " (fresh, or its writer is alive)")


def test_unsupported(inst):
    text = inst.log_text()
    check("tlsmgr/unix" in text and "service not started" in text,
          "a program Postern lacks is logged and not started")
    check(not os.path.exists(os.path.join(inst.queue, "private", "tlsmgr")),
          "no listener for the unsupported service")
    out = subprocess.run([os.path.join(BIN, "postern"), "-c", inst.conf, "check"],
                         capture_output=True, text=True, timeout=30)
    check("tlsmgr" in out.stderr and "will not be started" in out.stderr,
          "postern check reports the unsupported service")
    for d in ("incoming", "active", "deferred", "maildrop", "public", "private", "pid"):
        if not os.path.isdir(os.path.join(inst.queue, d)):
            check(False, "postern check created queue/" + d)
            return
    check(True, "postern check created the queue tree")


def test_second_master(inst):
    out = subprocess.run([os.path.join(BIN, "master"), "-c", inst.conf, "-d"],
                         capture_output=True, text=True, timeout=20)
    check(out.returncode != 0 and "the Postern mail system is already running" in out.stderr,
          "a second master is refused")
    st = subprocess.run([os.path.join(BIN, "postern"), "-c", inst.conf, "status"],
                        capture_output=True, text=True, timeout=20)
    check(st.returncode == 0 and
          f"the Postern mail system is running: PID: {inst.master.pid}" in st.stderr,
          "postern status names the running master")


def test_reload(inst):
    held = connect_inet(inst.port)
    try:
        r = ask(held, "before reload")
        check(r is not None, "a client is connected before the reload")
        old_pid = int(r["pid"]) if r else 0
        inst.seen_pids.add(old_pid)
        inst.write_master_cf(extra=f"127.0.0.1:{inst.port2} inet n - n - 1 server_fixture\n")
        os.kill(inst.master.pid, signal.SIGHUP)
        check(wait_for(lambda: "reload -- version" in inst.log_text(), 10), "reload is logged")
        s2 = wait_for(lambda: _try_connect(inst.port2), 5)
        r2 = ask(s2, "new listener") if s2 else None
        check(r2 is not None and r2["line"] == "new listener", "SIGHUP added a listener")
        if s2:
            s2.close()
        if r2:
            inst.seen_pids.add(int(r2["pid"]))
        r3 = ask(held, "after reload")
        check(r3 is not None and int(r3["pid"]) == old_pid,
              "the connection accepted before the reload is still served")
    finally:
        held.close()
    check(wait_for(lambda: not alive(old_pid), 10), "the retired child exits after its client")
    with connect_inet(inst.port) as s:
        r4 = ask(s, "old listener")
    check(r4 is not None, "the unchanged listener still works after the reload")
    if r4:
        inst.seen_pids.add(int(r4["pid"]))


def test_bad_reload(inst):
    """A master.cf that does not parse keeps the running configuration."""
    cf = os.path.join(inst.conf, "master.cf")
    with open(cf) as f:
        good = f.read()
    with open(cf, "w") as f:
        f.write(good + "broken unix - - n\n")
    try:
        os.kill(inst.master.pid, signal.SIGHUP)
        check(wait_for(lambda: "keeping the running configuration" in inst.log_text(), 10),
              "a broken master.cf on reload is reported")
        with connect_inet(inst.port2) as s:
            r = ask(s, "still here")
        check(r is not None, "the running services stay after a failed reload")
        if r:
            inst.seen_pids.add(int(r["pid"]))
    finally:
        with open(cf, "w") as f:
            f.write(good)


def _try_connect(port):
    try:
        return connect_inet(port, 2)
    except OSError:
        return None


def test_sigterm(inst):
    pid_file = os.path.join(inst.queue, "pid", "master.pid")
    check(os.path.exists(pid_file), "pid file exists while running")
    os.kill(inst.master.pid, signal.SIGTERM)
    try:
        inst.master.wait(15)
    except subprocess.TimeoutExpired:
        pass
    check(inst.master.poll() == 0, "master exits 0 on SIGTERM")
    check("terminating on signal 15" in inst.log_text(), "termination is logged")
    check(not os.path.exists(pid_file), "pid file removed")
    wait_for(lambda: not [p for p in inst.seen_pids if alive(p)], 5)
    leftovers = [p for p in inst.seen_pids if alive(p)]
    check(not leftovers, f"no child left running ({leftovers})")


def test_stand_alone(inst):
    """server_main -S: one client on stdin (a socket, as inetd gives), no master."""
    ours, theirs = socket.socketpair()
    env = dict(os.environ, MAIL_CONFIG=inst.conf)
    proc = subprocess.Popen([os.path.join(TESTS_BIN, "server_fixture"), "-S", "-n", "solo"],
                            stdin=theirs.fileno(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    theirs.close()
    try:
        r = ask(ours, "alone")
        check(r is not None and r["line"] == "alone" and r["service"] == "solo",
              "stand-alone mode (-S) serves the client on stdin")
    finally:
        ours.close()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    check(proc.returncode == 0, "stand-alone mode exits 0 after its client")


def test_clean_exits(inst):
    """Only the fixture told to fail may exit with a non-zero status."""
    import re
    text = inst.log_text()
    failing = set(re.findall(r"server_fixture\[(\d+)\]: fatal: fixture asked to fail", text))
    bad = [m for m in re.findall(r"pid (\d+) exit status \d+", text) if m not in failing]
    check(not bad, f"every other child exited cleanly (unexpected: {bad})")


def test_postern_start_stop(inst):
    postern = os.path.join(BIN, "postern")
    run = lambda *a: subprocess.run([postern, "-c", inst.conf, *a],
                                    capture_output=True, text=True, timeout=60)
    st = run("status")
    check(st.returncode == 1 and "is not running" in st.stderr, "status: not running")
    out = run("start")
    check(out.returncode == 0 and "starting the Postern mail system" in out.stderr,
          "postern start succeeds")
    st = run("status")
    check(st.returncode == 0 and "is running: PID:" in st.stderr, "status: running")
    pid = int(st.stderr.rsplit("PID:", 1)[-1].strip() or 0) if st.returncode == 0 else 0
    inst.daemon_pid = pid
    with connect_inet(inst.port) as s:
        r = ask(s, "daemon mode")
    check(r is not None, "daemon-mode master serves")
    if r:
        inst.seen_pids.add(int(r["pid"]))
    again = run("start")
    check(again.returncode == 1 and "already running" in again.stderr,
          "postern start refuses a running system")
    out = run("stop")
    check(out.returncode == 0 and "stopping the Postern mail system" in out.stderr,
          "postern stop succeeds")
    check(pid > 0 and wait_for(lambda: not alive(pid), 5), "master is gone after postern stop")
    check(wait_for(lambda: not [p for p in inst.seen_pids if alive(p)], 5),
          "no child left after postern stop")


def main():
    inst = Instance()
    try:
        plant_temp_files(inst)
        if not check(inst.start_master(), "master starts (daemon started logged)"):
            print(inst.log_text())
            return 1
        for test in (test_stale_temp_swept, test_serving, test_stand_alone, test_event_server, test_unsupported, test_kill_restart, test_maxproc,
                     test_wakeup, test_kill_after_startup, test_throttle, test_second_master, test_reload, test_bad_reload,
                     test_sigterm, test_clean_exits, test_postern_start_stop):
            try:
                test(inst)
            except Exception as e:  # a crash of one step is a failure, not a hang
                check(False, f"{test.__name__} raised {type(e).__name__}: {e}")
    finally:
        if failures:
            print("---- maillog ----")
            print(inst.log_text())
        inst.cleanup()
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
