#!/usr/bin/env python3
"""Dev-only host side of PROTOCOL.md, used by dev-test.sh: drives a booted vse-agent through
every request and checks the answers. Not the product's host side (src/Vse.Runtime/Vm/Agent/).

    dev-client.py RUNDIR T0      RUNDIR holds vse.N.sock; T0: when QEMU was started (epoch s)
"""
import errno
import hashlib
import os
import random
import select
import socket
import statistics
import struct
import sys
import threading
import time

RUN, T0 = sys.argv[1], float(sys.argv[2])
failures = 0
stray_h = 0


def check(name, ok, detail=""):
    global failures
    failures += not ok
    print("%s  %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else "  -- " + str(detail)), flush=True)


def strings(*items):
    return b"".join(s.encode() + b"\0" for s in items)


class Conn:
    def __init__(self, port, timeout=30):
        path = "%s/vse.%d.sock" % (RUN, port)
        deadline = time.time() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.005)
        self.s, self.buf, self.lock = s, b"", threading.Lock()
        self.id = random.getrandbits(31) | 1  # new per connection: stale sessions die on its H

    def send(self, t, ch=0, payload=b""):
        with self.lock:  # blocking: QEMU reads nothing until the agent opens the port
            self.s.sendall(struct.pack("<IcI", len(payload), t.encode(), ch) + payload)

    def frame(self, timeout=30):
        # select, not socket timeouts: another thread may be sending on this socket
        deadline = time.time() + timeout
        while True:
            if len(self.buf) >= 9:
                n, t, ch = struct.unpack("<IcI", self.buf[:9])
                if len(self.buf) >= 9 + n:
                    p, self.buf = self.buf[9:9 + n], self.buf[9 + n:]
                    return t.decode(), ch, p
            if not select.select([self.s], [], [], max(0, deadline - time.time()))[0]:
                raise socket.timeout("no frame")
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError("agent closed the connection")
            self.buf += d

    def hello(self, timeout=30, conn_id=None):
        """H until an h echoing our connection id (every H is answered, also those QEMU held
        while the agent had not opened the port yet: extra h are skipped wherever they turn up).
        Returns the state."""
        deadline = time.time() + timeout
        conn_id = self.id if conn_id is None else conn_id
        while time.time() < deadline:
            self.send("H", 0, struct.pack("<iI", 1, conn_id) if conn_id else struct.pack("<i", 1))
            try:
                while True:
                    t, ch, p = self.frame(0.1)
                    if t == "h" and struct.unpack("<iiI", p)[2] == conn_id:
                        return struct.unpack("<iiI", p)[1]
            except socket.timeout:
                pass
        raise TimeoutError("no h")

    def expect0(self, types, timeout=30):
        """The next connection-level frame (channel 0) of one of types, skipping stray h."""
        global stray_h
        while True:
            t, ch, p = self.frame(timeout)
            if t == "h" and "h" not in types:
                stray_h += 1
                continue
            return t, ch, p

    def collect(self, chans, timeout=60):
        """Frames for sessions chans until each ended: {ch: [out, err, ('x', status) | ('F', errno, stage, msg), t]}."""
        res = {ch: [b"", b"", None, None] for ch in chans}
        deadline = time.time() + timeout
        while any(r[2] is None for r in res.values()):
            t, ch, p = self.frame(max(0.01, deadline - time.time()))
            if t == "h" and ch == 0:
                global stray_h
                stray_h += 1
                continue
            if ch not in res:
                raise RuntimeError("unexpected frame %s on channel %d: %r" % (t, ch, p[:80]))
            r = res[ch]
            if t == "1":
                r[0] += p
            elif t == "2":
                r[1] += p
            elif t == "x":
                r[2], r[3] = ("x", struct.unpack("<i", p)[0]), time.time()
            elif t == "F":
                e, stage = struct.unpack("<ii", p[:8])
                r[2], r[3] = ("F", e, stage, p[8:].rstrip(b"\0").decode()), time.time()
            else:
                raise RuntimeError("unexpected frame %s on channel %d" % (t, ch))
        return res

    def exec(self, ch, argv, cwd="/", env=(), stdin=None):
        self.send("X", ch, strings(cwd, str(len(env)), *env, *argv))
        if stdin is not None:
            if stdin:
                self.send("I", ch, stdin)
            self.send("I", ch, b"")

    def run(self, argv, ch=1, **kw):
        self.exec(ch, argv, **kw)
        return self.collect([ch])[ch][:3]


def fuzz(port, n=3000):
    """Random, well-delimited frames of every type (P excepted) on their own connection,
    read back by another thread; ends with an echo on a channel of its own."""
    rnd = random.Random(port)
    words = ["true", "false", "/", "/tmp", "/no/such", "0", "1", "2", "3", "A=B", "=x", "echo", "cat", "sh",
             "", "x" * 300, "/tmp/fuzz/f", "/bin/busybox", "644", "9999", "-1"]
    k = Conn(port)
    k.hello()
    counts, done = {}, threading.Event()

    def drain():
        while not done.is_set():
            t, ch, p = k.frame(60)
            counts[t] = counts.get(t, 0) + 1
            if ch == 999999 and t in "xF":
                done.set()
    th = threading.Thread(target=drain, daemon=True)
    th.start()
    for i in range(n):
        t = rnd.choice("HCXXXIIKKWwwGG?1xh")
        ch = rnd.choice([0, 1, 2, 3, 4, 5, 6, 7, 0xFFFFFFFF])
        r = rnd.random()
        if r < 0.5:
            body = strings(*[rnd.choice(words) for _ in range(rnd.randint(0, 8))])
        elif r < 0.8:
            body = rnd.randbytes(rnd.randint(0, 64))
        else:
            body = rnd.randbytes(rnd.choice([1, 3, 4, 5, 7, 8, 65535, 65536]))
        if t == "G" and rnd.random() < 0.7:
            body = strings("/no/such")  # a few big reads are enough
        if t == "H" and rnd.random() < 0.95:  # a new id would end the connection, by design
            body = struct.pack("<iI", 1, k.id)[:rnd.choice([4, 8, 8])]
        if t == "X" and rnd.random() < 0.5:  # well-formed: commands run, meet random I, K, H
            body = strings(rnd.choice(["/", "/tmp", "/no/such"]), "1", "A=B",
                           *rnd.choice([["true"], ["false"], ["cat"], ["echo", "x"], ["sh", "-c", "exit 1"], ["nope"]]))
        k.send(t, ch, body)
    k.send("X", 999999, strings("/", "0", "echo", "fuzz-done"))
    done.wait(120)
    return k, done.is_set(), counts


def main():
    # --- boot: the socket exists right after QEMU starts; the agent answers once it runs
    c = Conn(0)
    state = c.hello(60)
    boot = time.time() - T0
    check("boot: h from the agent, state 0 (waiting for configuration) after %.2f s" % boot, state == 0, state)
    out, err, st = c.run(["cat", "/proc/uptime"])
    up = float(out.split()[0]) if st == ("x", 0) else -1
    check("exec before configuration (guest uptime %.2f s)" % up, up > 0, (out, err, st))

    c.send("C", 0, strings("hostname", "vse-dev", "env", "G=global", "env", "FOO=bar",
                           "mount9p", "host0", "/mnt/host", "ro", "address", "eth0", "10.0.2.15/24",
                           "service", "syslogd", "service", "hello"))
    t, ch, p = c.expect0("RF")
    check("C: R (hostname, env, mount9p, address, services)", t == "R", (t, p))
    c.send("C", 0, strings("hostname", "again"))
    t, ch, p = c.expect0("RF")
    check("second C: F EALREADY", t == "F" and struct.unpack("<i", p[:4])[0] == errno.EALREADY, (t, p))
    check("H after configuration: state 1", c.hello() == 1)
    check("H without a connection id: h with id 0 (and nothing reset)", c.hello(conn_id=0) == 1)

    out, err, st = c.run(["echo", "hi"])
    check("exec echo hi: stdout 'hi\\n', x 0", (out, st) == (b"hi\n", ("x", 0)), (out, err, st))
    out, err, st = c.run(["sh", "-c", "exit 3"])
    check("exec sh -c 'exit 3': x 3", st == ("x", 3), (out, err, st))
    out, err, st = c.run(["sh", "-c", "echo oops >&2; echo fine"])
    check("stderr as 2 frames", (out, err, st) == (b"fine\n", b"oops\n", ("x", 0)), (out, err, st))
    out, err, st = c.run(["no-such-command", "x"])
    check("missing command: F stage 2 ENOENT", st[:3] == ("F", errno.ENOENT, 2), st)
    out, err, st = c.run(["true"], cwd="/no/such/dir")
    check("missing cwd: F stage 1 ENOENT", st[:3] == ("F", errno.ENOENT, 1), st)
    out, err, st = c.run(["/etc/init.d"])
    check("exec of a directory: F stage 2 EACCES", st[:3] == ("F", errno.EACCES, 2), st)
    out, err, st = c.run(["sh", "-c", 'echo "$G $FOO $(pwd)"; cat'], cwd="/tmp", env=["G=exec"], stdin=b"from stdin\n")
    check("env (exec's overrides configured) + cwd + stdin round trip",
          (out, st) == (b"exec bar /tmp\nfrom stdin\n", ("x", 0)), (out, err, st))
    out, err, st = c.run(["env"])
    check("a command's env is PATH + configured env", sorted(out.split()) ==
          sorted([b"FOO=bar", b"G=global", b"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]), out)
    out, err, st = c.run(["hostname"])
    check("hostname", out == b"vse-dev\n", out)

    # --- two sessions at once on one port: the short one ends first
    c.exec(10, ["sh", "-c", "sleep 1; echo slow"])
    c.exec(11, ["echo", "quick"])
    r = c.collect([10, 11])
    check("two concurrent sessions on one port", r[10][:3] == [b"slow\n", b"", ("x", 0)] and
          r[11][:3] == [b"quick\n", b"", ("x", 0)] and r[11][3] < r[10][3], r)

    # --- port 1 while port 0 waits for sleep 2
    c.exec(20, ["sleep", "2"])
    t1 = time.time()
    c1 = Conn(1)
    c1.hello()
    out, err, st = c1.run(["echo", "port 1"])
    dt = time.time() - t1
    check("port 1 serves while port 0 is busy (%.0f ms)" % (dt * 1000), (out, st) == (b"port 1\n", ("x", 0)) and dt < 1.5, (out, st, dt))
    r = c.collect([20])
    check("port 0's sleep 2 then ends: x 0", r[20][2] == ("x", 0), r)

    # --- K
    c.exec(30, ["sleep", "100"])
    time.sleep(0.2)
    c.send("K", 30, struct.pack("<i", 15))
    r = c.collect([30], timeout=10)
    check("K 15 on sleep 100: x 143", r[30][2] == ("x", 143), r)

    # --- files: W (parents made, mode) then G, binary
    data = bytes(range(256)) * 300 + os.urandom(4 << 20)
    t1 = time.time()
    c.send("W", 40, strings("/tmp/a/b/c.bin", "640"))
    for i in range(0, len(data), 65536):
        c.send("w", 40, data[i:i + 65536])
    c.send("w", 40, b"")
    r = c.collect([40])
    dt = time.time() - t1
    check("W of %d binary bytes: x 0 (%.1f MiB/s)" % (len(data), len(data) / dt / 2**20), r[40][2] == ("x", 0), r[40][2])
    out, err, st = c.run(["stat", "-c", "%a", "/tmp/a/b/c.bin", "/tmp/a/b", "/tmp/a"])
    check("W: mode 640, parents made 755", out == b"640\n755\n755\n", out)
    t1 = time.time()
    c.send("G", 41, strings("/tmp/a/b/c.bin"))
    r = c.collect([41])
    dt = time.time() - t1
    check("G returns the same bytes, then x 0 (%.1f MiB/s)" % (len(data) / dt / 2**20), r[41][0] == data and r[41][2] == ("x", 0), (len(r[41][0]), r[41][2]))
    c.send("G", 42, strings("/no/such/file"))
    r = c.collect([42])
    check("G of a missing file: F ENOENT", r[42][2][:2] == ("F", errno.ENOENT), r[42][2])
    c.send("G", 43, strings("/tmp"))
    r = c.collect([43])
    check("G of a directory: F EISDIR", r[43][2][:2] == ("F", errno.EISDIR), r[43][2])
    c.send("W", 44, strings("/proc/no/such", "644"))
    c.send("w", 44, b"ignored after the F")
    c.send("w", 44, b"")
    r = c.collect([44])
    check("W where it cannot create: F", r[44][2][0] == "F", r[44][2])

    # --- configuration effects
    c.send("G", 45, strings("/mnt/host/hello.txt"))
    r = c.collect([45])
    check("mount9p: G of a file on the share", r[45][0] == b"from the host share\n", r[45])
    out, err, st = c.run(["touch", "/mnt/host/new"])
    check("mount9p ro: writing fails", st[0] == "x" and st[1] != 0, (out, err, st))
    out, err, st = c.run(["sh", "-c", "ip -4 addr show eth0 | grep -o 'inet [0-9./]*'; ip link show lo | grep -o UP | head -1"])
    check("address eth0 10.0.2.15/24 and lo up", out == b"inet 10.0.2.15/24\nUP\n", (out, err))
    out, err, st = c.run(["pidof", "syslogd"])
    check("service syslogd (from PATH): pidof finds it", st == ("x", 0) and out.strip().isdigit(), (out, err, st))
    out, err, st = c.run(["cat", "/run/hello-started"])
    check("service hello (/etc/init.d/hello start, configured env)", out == b"started with G=global\n", (out, err, st))
    out, err, st = c.run(["sh", "-c", "mount | grep -E ' /dev/(pts|shm) ' | cut -d' ' -f3,5; ls -l /dev/fd | grep -o '/proc/self/fd'"])
    check("/dev/pts, /dev/shm, /dev/fd", out == b"/dev/pts devpts\n/dev/shm tmpfs\n/proc/self/fd\n", out)

    # --- stdin/stdout volume through cat (flow control both ways), sent by another thread
    big = os.urandom(4 << 20)
    c.exec(50, ["cat"])

    def feed():
        for i in range(0, len(big), 65536):
            c.send("I", 50, big[i:i + 65536])
        c.send("I", 50, b"")
    t1 = time.time()
    th = threading.Thread(target=feed)
    th.start()
    r = c.collect([50], timeout=120)
    th.join()
    dt = time.time() - t1
    check("4 MiB through cat intact (%.1f MiB/s each way)" % (4 / dt), r[50][0] == big and r[50][2] == ("x", 0),
          (len(r[50][0]), r[50][2]))

    # --- exec round trip
    times = []
    for i in range(20):
        t1 = time.time()
        out, err, st = c.run(["true"], ch=60 + i)
        times.append(time.time() - t1)
        assert st == ("x", 0), st
    exec_ms = statistics.median(times) * 1000
    check("20 x exec true: median %.1f ms (min %.1f, max %.1f)" % (exec_ms, min(times) * 1000, max(times) * 1000), True)

    # --- zombies: the agent reaps orphans too (sh leaves a background child to init)
    c.run(["sh", "-c", "sleep 0.1 & exit 0"])
    time.sleep(0.5)
    out, err, st = c.run(["sh", "-c", "cat /proc/[0-9]*/stat 2>/dev/null | awk '$3 == \"Z\"' | wc -l"])
    check("no zombies left", out.strip() == b"0", out)

    # --- random frames on port 2: the agent survives and still answers
    out, err, st = c.run(["sh", "-c", "ls /proc/1/fd | wc -l"])
    fds_before = out
    k, ok, counts = fuzz(2)
    check("3000 random frames on port 2: still answering (%s)" % " ".join("%s:%d" % kv for kv in sorted(counts.items())), ok, counts)
    k.s.close()
    # a frame cut short by a disconnect: the next connection starts clean
    k = Conn(3)
    k.hello()
    k.s.sendall(struct.pack("<IcI", 1000, b"X", 5) + b"/\0" + b"0\0")
    k.s.close()
    time.sleep(0.3)
    k = Conn(3)
    check("a partial frame then a disconnect: the next connection works", k.hello() == 1)
    out, err, st = k.run(["echo", "clean"])
    check("... and execs", out == b"clean\n", (out, st))
    k.s.close()
    time.sleep(0.3)
    out, err, st = c.run(["sh", "-c", "ls /proc/1/fd | wc -l"])
    check("no fd leaked by the agent (%s fds)" % out.strip().decode(), out == fds_before, (fds_before, out))
    out, err, st = c.run(["sh", "-c", "cat /proc/[0-9]*/stat 2>/dev/null | awk '$3 == \"Z\"' | wc -l"])
    check("no zombies after the fuzzing", out.strip() == b"0", out)

    # --- a garbled frame: F EPROTO, the connection is reset, the next H works
    c.send("K", 70, b"")  # a K without its int is ignored
    c.exec(72, ["sleep", "100"])
    time.sleep(0.2)
    bad = struct.pack("<IcI", 0x200000, b"X", 71) + os.urandom(3000)
    bad += struct.pack("<IcI", 25, b"X", 73) + strings("/", "0", "touch", "/tmp/ran")  # must not run
    c.s.sendall(bad)
    t, ch, p = c.expect0("F")
    check("over-long frame: F EPROTO on channel 0", t == "F" and struct.unpack("<i", p[:4])[0] == errno.EPROTO, (t, p))
    time.sleep(0.3)
    check("after the reset, what follows up to an H is skipped; H answers state 1", c.hello() == 1)
    out, err, st = c.run(["sh", "-c", "ls /tmp/ran 2>&1; pidof sleep || echo no sleep"])
    check("the skipped X did not run, the old sessions were killed", out == b"ls: /tmp/ran: No such file or directory\nno sleep\n", (out, st))
    c.send("Q", 0)
    t, ch, p = c.expect0("F")
    check("unknown frame type: F EPROTO", t == "F" and struct.unpack("<i", p[:4])[0] == errno.EPROTO, (t, p))

    # --- disconnect with a running session, reconnect at once: the agent may not even see the
    # disconnect; the new connection id tells it. The session was killed, the state survives.
    c.exec(80, ["sleep", "100"])
    c.exec(81, ["sh", "-c", "while :; do echo old connection output; usleep 1000; done"])
    time.sleep(0.3)
    c.s.close()
    t1 = time.time()
    c = Conn(0)
    state = c.hello()
    rec = time.time() - t1
    check("reconnect at once: h state 1 after %.0f ms" % (rec * 1000), state == 1, state)
    out, err, st = c.run(["sh", "-c", "usleep 100000; pidof sleep || echo none"], ch=80)
    check("the old connection's sessions were killed, its channels free", (out, st) == (b"none\n", ("x", 0)), (out, err, st))
    # disconnect, wait, reconnect: the agent sees end of file
    c.exec(82, ["sleep", "100"])
    time.sleep(0.3)
    c.s.close()
    time.sleep(0.5)
    c = Conn(0)
    check("reconnect after a pause: h state 1", c.hello() == 1)
    out, err, st = c.run(["sh", "-c", "pidof sleep || echo none"])
    check("... and its session was killed too", out == b"none\n", out)
    c1.s.close()

    # --- power off: P, or SIGTERM to PID 1 (VSE_AGENT_POWEROFF=sigterm); a process that ignores
    # SIGTERM holds it up for the 2 s, then SIGKILL
    c.exec(91, ["sh", "-c", "trap '' TERM; while :; do usleep 20000; done"])
    time.sleep(0.3)
    t1 = time.time()
    how = os.environ.get("VSE_AGENT_POWEROFF", "P")
    if how == "sigterm":
        c.exec(90, ["kill", "-TERM", "1"])
    else:
        c.send("P")
    try:
        while True:
            c.frame(15)
    except EOFError:
        pass
    except socket.timeout:
        check("P: QEMU closed the port", False, "timeout")
    else:
        pass
    dt = time.time() - t1
    check("%s: the port closed %.2f s after it (2 s for the process ignoring SIGTERM)" % (how, dt), 1.9 < dt < 6, dt)
    print("TIMING boot-to-h %.2f s (guest uptime then ~%.2f s); exec round trip (true) median %.1f ms; reconnect-to-h %.0f ms" % (boot, up, exec_ms, rec * 1000))
    print("NOTE   %d stray h frames skipped on port 0 (answers to H sent while the agent was not reading yet)" % stray_h)
    return failures


if __name__ == "__main__":
    try:
        sys.exit(1 if main() else 0)
    except Exception as e:  # noqa: BLE001 - a dev tool: say what broke
        import traceback
        traceback.print_exc()
        print("FAIL  client aborted: %r" % e)
        sys.exit(1)
