#!/usr/bin/env python3
"""signal-validate.py SIGNAL WHEN TMPDIR -- COMMAND...: starts COMMAND (a
`vmaprep validate` of a handler that loops forever) with TMPDIR, waits until
WHEN ("compiling": its temporary directory exists; "running": the forked
validation child runs), sends SIGNAL to vmaprep alone (not its process group,
so its own handler must end the children), and prints how vmaprep ended,
whether any process it started outlived it, and what is left in TMPDIR."""
import os
import signal
import subprocess
import sys
import time

sig = getattr(signal, sys.argv[1])
when, tmpdir = sys.argv[2], sys.argv[3]
command = sys.argv[sys.argv.index("--") + 1:]


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    # the command name may hold spaces: fields after its ')'
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read()
    except OSError:
        return b""


def reached(proc):
    if when == "compiling":
        return any(n.startswith("vmaprep-validate-") for n in os.listdir(tmpdir))
    # the validation child is a fork: vmaprep's own command line
    mine = cmdline(proc.pid)
    return any(cmdline(c) == mine for c in children(proc.pid))


env = dict(os.environ, TMPDIR=tmpdir)
# lit may run this with SIGINT ignored; vmaprep must see what a terminal sends.
proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
# A guard against a hang of the test itself, not a measurement.
deadline = time.monotonic() + 300
while not reached(proc):
    if proc.poll() is not None or time.monotonic() > deadline:
        print("vmaprep ended before", when, "with", proc.returncode)
        proc.kill()
        sys.exit(1)
    time.sleep(0.01)
started = set(children(proc.pid))
os.kill(proc.pid, sig)
code = proc.wait()
print("vmaprep ended by", signal.Signals(-code).name if code < 0 else "exit %d" % code)
left = [pid for pid in started if os.path.exists("/proc/%d" % pid)
        and open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] != "Z"]
print("processes left:", len(left))
for pid in left:
    os.kill(pid, signal.SIGKILL)
print("left in TMPDIR:", sorted(os.listdir(tmpdir)))
