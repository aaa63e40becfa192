"""mail_instance.py - a started Postern instance set up for mail-path tests.

Offers MailInstance, a PosternInstance (tests/integration/harness) with
local delivery that works for root and for an ordinary user: every local
user's mail goes to the Maildir ROOT/mail/USER/ (mail_spool_directory
ending in "/"), the alias "sample" to ROOT/mail/sample/, the domains
localhost and example.test are local, "+" is the recipient delimiter.
The recipient used by the tests is the instance's own user (the current
user, "nobody" when run as root), whose mail lands in mailbox(user).

Also: send() runs the build's sendmail, messages() reads a Maildir,
wait_for_messages() waits (bounded) for a count, queue_files() lists a
queue directory. Failures raise PosternError (from the harness).
"""
import email.parser
import email.policy
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
from postern_instance import DEFAULT_SRC, PosternError, PosternInstance, wait_for  # noqa: E402,F401


class MailInstance(PosternInstance):
    def __init__(self, bin_dir, params=None, **kw):
        src = os.path.abspath(kw.pop("src_dir", None) or DEFAULT_SRC)
        with open(os.path.join(src, "conf", "master.cf")) as f:
            master_cf = f.read()
        settings = {
            "mydestination": "$myhostname, localhost, example.test",
            "home_mailbox": "",
            "recipient_delimiter": "+",
        }
        settings.update(params or {})
        super().__init__(bin_dir, src_dir=src, params=settings, master_cf=master_cf, **kw)
        self.mail_dir = os.path.join(self.root, "mail")
        self.user = self._owner()[0]

    def create(self):
        if self._created:
            return self
        os.makedirs(self.mail_dir, exist_ok=True)
        os.chmod(self.mail_dir, 0o1777)
        self.extra_params.setdefault("mail_spool_directory", self.mail_dir + "/")
        super().create()
        aliases = os.path.join(self.conf, "aliases")
        with open(aliases, "a") as f:
            f.write("\n# mail_path tests\nroot: %s\nsample: %s/sample/\nteam: %s, sample\n"
                    % (self.user, self.mail_dir, self.user))
        self.run("postalias", "-c", self.conf, aliases)
        return self

    def start(self, timeout=15, verbose=False):
        """postern check (creates the queue tree), then master."""
        self.create()
        self.run("postern", "-c", self.conf, "check")
        return super().start(timeout=timeout, verbose=verbose)

    # ---- submission ----

    def send(self, args, message, check=True):
        """sendmail ARGS < message (bytes); returns the CompletedProcess."""
        return self.run("sendmail", "-C", self.conf, *args, input=message, check=check)

    # ---- mailboxes ----

    def mailbox(self, name=None):
        return os.path.join(self.mail_dir, name or self.user)

    def message_files(self, name=None):
        new = os.path.join(self.mailbox(name), "new")
        try:
            return sorted(os.path.join(new, n) for n in os.listdir(new))
        except FileNotFoundError:
            return []

    def messages(self, name=None):
        """The raw bytes of every message in the Maildir's new/."""
        out = []
        for path in self.message_files(name):
            with open(path, "rb") as f:
                out.append(f.read())
        return out

    def wait_for_messages(self, count, name=None, timeout=30):
        """Waits until the Maildir holds at least count messages; returns them."""
        wait_for(lambda: len(self.message_files(name)) >= count, timeout, step=0.1)
        return self.messages(name)

    def queue_files(self, queue):
        found = []
        top = os.path.join(self.queue, queue)
        for dirpath, _, files in os.walk(top):
            found.extend(os.path.join(dirpath, n) for n in files)
        return found

    def wait_queue_empty(self, timeout=30):
        queues = ("maildrop", "incoming", "active")
        return wait_for(lambda: not any(self.queue_files(q) for q in queues), timeout, step=0.1)


def parse(raw):
    """(headers as a list of (name, value), body bytes) of a raw message."""
    head, sep, body = raw.partition(b"\n\n")
    msg = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head + b"\n\n")
    return list(msg.items()), body


def header(raw, name):
    """All values of header name (case-insensitive), unfolded."""
    items, _ = parse(raw)
    return [v.replace("\n", "").replace("\r", "") for k, v in items if k.lower() == name.lower()]


def unique_tag():
    return "%d.%d" % (os.getpid(), time.monotonic_ns())
