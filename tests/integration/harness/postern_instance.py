"""postern_instance.py - a throw-away Postern instance for integration tests.

Offers PosternInstance: it creates an instance under a temporary directory
(ROOT/conf with main.cf, master.cf and aliases copied from the checkout's
conf/, ROOT/queue, ROOT/data, the log in ROOT/maillog), points
daemon_directory at the build's bin directory, runs everything as the
current user (as "nobody" when the tests run as root), and rewrites every
inet service of master.cf to 127.0.0.1 on a free port. start() runs
"master -c ROOT/conf -d" in the foreground and returns once master logged
"daemon started" and every inet listener whose program exists accepts
connections; stop() sends SIGTERM to that master (SIGKILL after a
timeout), by its pid only. The log, postconf and the other commands of
the build are at hand. Every wait is bounded.

Failures raise PosternError with the last lines of the log.

    from postern_instance import PosternInstance
    with PosternInstance(bin_dir, params={"mydestination": "example.test"}) as inst:
        inst.start()
        smtp = smtplib.SMTP("127.0.0.1", inst.port("smtp"))
"""
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


class PosternError(Exception):
    pass


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, step=0.05):
    """Polls predicate until it returns a true value or timeout seconds pass."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= end:
            return value
        time.sleep(step)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def logical_lines(text):
    """master.cf/main.cf logical lines: (index of first physical line, joined text)."""
    entries = []
    for i, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] in " \t" and entries:
            entries[-1][1] += " " + stripped
        elif line[0] not in " \t":
            entries.append([i, stripped])
    return entries


class PosternInstance:
    def __init__(self, bin_dir, src_dir=None, root=None, params=None, master_cf=None,
                 extra_programs=None, hostname="postern.test", keep=False):
        """bin_dir: the build's bin directory (master, postconf, daemons).
        params: main.cf settings applied after the harness's own.
        master_cf: text replacing conf/master.cf (inet services are still
        moved to free loopback ports). extra_programs: paths of more
        daemons (test fixtures); daemon_directory then becomes ROOT/libexec
        with links to bin_dir's programs and these. keep: leave ROOT behind."""
        self.bin_dir = os.path.abspath(bin_dir)
        self.src_dir = os.path.abspath(src_dir or DEFAULT_SRC)
        self.root = os.path.abspath(root) if root else tempfile.mkdtemp(prefix="postern-inst-")
        self.conf = os.path.join(self.root, "conf")
        self.queue = os.path.join(self.root, "queue")
        self.data = os.path.join(self.root, "data")
        self.maillog = os.path.join(self.root, "maillog")
        self.stderr_path = os.path.join(self.root, "master.stderr")
        self.hostname = hostname
        self.extra_programs = [os.path.abspath(p) for p in (extra_programs or [])]
        self.daemon_dir = os.path.join(self.root, "libexec") if self.extra_programs else self.bin_dir
        self.extra_params = dict(params or {})
        self.master_cf_text = master_cf
        self.keep = keep
        self.ports = {}             # inet service as written in master.cf -> port
        self.services = []          # (service, type, command) after rewriting
        self.master = None
        self._stderr = None
        self._created = False

    # ---- set-up ----

    def _owner(self):
        if os.geteuid() == 0:
            user = pwd.getpwnam("nobody")
            group = grp.getgrgid(user.pw_gid).gr_name
            return user.pw_name, group
        user = pwd.getpwuid(os.getuid())
        return user.pw_name, grp.getgrgid(os.getgid()).gr_name

    def create(self):
        """Writes the instance's files; start() calls it when needed."""
        if self._created:
            return self
        for d in (self.root, self.conf, self.queue, self.data):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o755)
        for name in ("main.cf", "master.cf", "aliases"):
            shutil.copyfile(os.path.join(self.src_dir, "conf", name), os.path.join(self.conf, name))
        if self.master_cf_text is not None:
            with open(os.path.join(self.conf, "master.cf"), "w") as f:
                f.write(self.master_cf_text)
        self._rewrite_master_cf()
        self._link_programs()
        owner, group = self._owner()
        if os.geteuid() == 0:
            uid = pwd.getpwnam(owner).pw_uid
            gid = grp.getgrnam(group).gr_gid
            for d in (self.queue, self.data):
                os.chown(d, uid, gid)
        params = {
            "queue_directory": self.queue,
            "data_directory": self.data,
            "daemon_directory": self.daemon_dir,
            "command_directory": self.bin_dir,
            "maillog_file": self.maillog,
            "mail_owner": owner,
            "setgid_group": group,
            "default_privs": owner,
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "myhostname": self.hostname,
            "alias_maps": "hash:" + os.path.join(self.conf, "aliases"),
            "alias_database": "hash:" + os.path.join(self.conf, "aliases"),
        }
        params.update(self.extra_params)
        self.set_params(**params)
        self._created = True
        return self

    def _link_programs(self):
        if not self.extra_programs:
            return
        os.makedirs(self.daemon_dir, exist_ok=True)
        os.chmod(self.daemon_dir, 0o755)
        programs = [os.path.join(self.bin_dir, n) for n in sorted(os.listdir(self.bin_dir))]
        for path in programs + self.extra_programs:
            link = os.path.join(self.daemon_dir, os.path.basename(path))
            if os.path.isfile(path) and os.access(path, os.X_OK) and not os.path.lexists(link):
                os.symlink(path, link)

    def _rewrite_master_cf(self):
        path = os.path.join(self.conf, "master.cf")
        with open(path) as f:
            lines = f.read().split("\n")
        for i, line in enumerate(lines):
            fields = line.split()
            if not line or line[0] in " \t#" or len(fields) < 2 or fields[1] != "inet":
                continue
            port = free_port()
            self.ports[fields[0]] = port
            lines[i] = "127.0.0.1:%d%s" % (port, line[len(fields[0]):])
        text = "\n".join(lines)
        with open(path, "w") as f:
            f.write(text)
        self.services = []
        for _, entry in logical_lines(text):
            fields = entry.split()
            if len(fields) >= 8:
                self.services.append((fields[0], fields[1], fields[7]))

    # ---- commands ----

    def env(self):
        env = dict(os.environ)
        env["MAIL_CONFIG"] = self.conf
        if os.geteuid() == 0:
            # children drop privileges: LeakSanitizer cannot inspect them
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
        return env

    def run(self, program, *args, input=None, timeout=60, check=True):
        """Runs a program of the build against this instance (-c is not
        added: the environment carries MAIL_CONFIG)."""
        proc = subprocess.run([os.path.join(self.bin_dir, program)] + list(args),
                              input=input, capture_output=True, env=self.env(),
                              timeout=timeout)
        if check and proc.returncode != 0:
            raise PosternError("%s %s: exit %d: %s" % (program, " ".join(args), proc.returncode,
                                                      proc.stderr.decode(errors="replace")))
        return proc

    def postconf(self, *args, check=True):
        return self.run("postconf", "-c", self.conf, *args, check=check)

    def param(self, name):
        """The expanded value of a main.cf parameter."""
        return self.postconf("-xh", name).stdout.decode().rstrip("\n")

    def set_params(self, **params):
        """Sets main.cf parameters (postconf -e); a running master needs reload()."""
        if params:
            self.postconf("-e", *["%s=%s" % (k, v) for k, v in params.items()])

    def port(self, service="smtp"):
        return self.ports[service]

    def program_exists(self, command):
        return os.access(os.path.join(self.daemon_dir, command), os.X_OK)

    def inet_services_served(self):
        """Ports of the inet services whose program is in the build."""
        served = []
        for service, kind, command in self.services:
            if kind == "inet" and self.program_exists(command):
                served.append(int(service.rsplit(":", 1)[1]))
        return served

    # ---- the log ----

    def log_text(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern, timeout=10, start=0):
        """Waits until the log (from offset start) matches the regular
        expression; returns the match or None."""
        regex = re.compile(pattern)
        return wait_for(lambda: regex.search(self.log_text(), start), timeout)

    def _tail(self, n=30):
        text = self.log_text()
        try:
            with open(self.stderr_path, errors="replace") as f:
                text += f.read()
        except FileNotFoundError:
            pass
        return "\n".join(text.splitlines()[-n:])

    # ---- master ----

    def start(self, timeout=15, verbose=False):
        """Starts master (-v with verbose, which spawned_pids() needs)."""
        self.create()
        if self.master is not None:
            raise PosternError("already started")
        offset = len(self.log_text())
        self._stderr = open(self.stderr_path, "a")
        self.master = subprocess.Popen(
            [os.path.join(self.bin_dir, "master"), "-c", self.conf, "-d"] + (["-v"] if verbose else []),
            stdin=subprocess.DEVNULL, stdout=self._stderr, stderr=self._stderr,
            env=self.env())
        started = wait_for(lambda: self.master.poll() is not None
                           or "daemon started" in self.log_text()[offset:], timeout)
        if not started or self.master.poll() is not None:
            code = self.master.poll()
            self.stop()
            raise PosternError("master did not start (exit %s):\n%s" % (code, self._tail()))
        for port in self.inet_services_served():
            if not wait_for(lambda: port_open(port), timeout):
                self.stop()
                raise PosternError("nothing listens on 127.0.0.1:%d:\n%s" % (port, self._tail()))
        return self

    def reload(self, timeout=10):
        """SIGHUP; returns once master logged the reload."""
        offset = len(self.log_text())
        self.master.send_signal(signal.SIGHUP)
        if not wait_for(lambda: re.search(r"\breload\b", self.log_text()[offset:]), timeout):
            raise PosternError("master did not reload:\n" + self._tail())

    def stop(self, timeout=15):
        """SIGTERM to master (SIGKILL after timeout); returns its exit status."""
        if self.master is None:
            return None
        code = self.master.poll()
        if code is None:
            self.master.send_signal(signal.SIGTERM)
            try:
                code = self.master.wait(timeout)
            except subprocess.TimeoutExpired:
                self.master.kill()
                code = self.master.wait(timeout)
        self.master = None
        if self._stderr:
            self._stderr.close()
            self._stderr = None
        return code

    def spawned_pids(self):
        """Pids of the children master logged as spawned (needs verbose)."""
        return [int(p) for p in re.findall(r"spawned \S+ pid (\d+)", self.log_text())]

    def cleanup(self):
        self.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.create()

    def __exit__(self, *exc):
        self.cleanup()
        return False
