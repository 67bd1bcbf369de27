#!/usr/bin/env python3
"""Per-instance cost of each kernel path in system-wide profiles of two deploy sizes (issue 17 item 6).

usage: bench/perf-per-instance.py FILE_A:N_A FILE_B:N_B [--top K]
FILE: `perf record -a -g` data of cpu-clock (bench/scale-curve.sh PERF_SYSTEM=DIR); N: the instances
the deploy or cleanup handled. A cpu-clock sample is 1/F s of one core's time, so samples x 1000/F / N
is milliseconds of CPU per instance. Samples are sorted by who ran them: vse's processes (the deploy,
the launcher, the instances' inits, and every thread of their processes), kernel threads (kworker,
rcu, ksoftirqd... by name), interrupts taken while a core was idle, the idle loop itself (dropped),
and other processes (the other sessions on a shared machine: dropped from the symbol tables so they
do not count as the instances' cost). Prints the classes, then the kernel functions whose inclusive
(a sample counts once for every function on its stack) and self cost per instance grew most from A to B.
"""
import argparse, collections, re, subprocess

VSE_COMMS = {"vse", "vse-launch", "vse-init"}
IDLE = ("do_idle", "cpu_startup_entry")
IRQ = ("handle_softirqs", "__irq_exit_rcu", "sysvec_", "asm_sysvec", "common_interrupt", "__sysvec")
GENERIC = {"entry_SYSCALL_64", "entry_SYSCALL_64_after_hwframe", "do_syscall_64", "x64_sys_call",
           "ret_from_fork", "ret_from_fork_asm", "kthread", "worker_thread", "process_one_work",
           "[unknown]", "__libc_start_call_main", "pvm_irq_enable", "__raw_callee_save_pvm_irq_enable"}


def samples(path):
    """Yields (tgid, comm, frames leaf first as (ip, sym)) for every sample of PATH."""
    out = subprocess.run(["perf", "script", "-i", path, "-F", "comm,pid,tid,ip,sym"],
                         capture_output=True, text=True, check=True).stdout
    head = re.compile(r"^(.*?)\s+(\d+)/(\d+)\s*$")
    comm = tgid = None
    frames = []
    for line in out.splitlines():
        if not line.strip():
            if comm is not None:
                yield tgid, comm, frames
            comm, frames = None, []
        elif line[0] in "\t ":
            parts = line.split(None, 1)
            frames.append((int(parts[0], 16), parts[1].split("+")[0] if len(parts) > 1 else "[unknown]"))
        else:
            m = head.match(line)
            if m:
                comm, tgid = m.group(1).strip(), int(m.group(2))
    if comm is not None:
        yield tgid, comm, frames


def kthread_name(comm):
    return re.split(r"[/:]", comm)[0].rstrip("0123456789")


def analyse(path, n, hz=499):
    rows = list(samples(path))
    vse_tgids = {t for t, c, _ in rows if c in VSE_COMMS}
    ms = 1000.0 / hz / n
    classes, inclusive, self_ = collections.Counter(), collections.Counter(), collections.Counter()
    for tgid, comm, frames in rows:
        syms = [s for _, s in frames]
        if comm.startswith("swapper"):
            klass = "interrupts while idle" if any(s.startswith(IRQ) for s in syms) else "idle"
        elif tgid in vse_tgids:
            klass = "vse, launcher, instances"
        elif tgid == 0 or comm.startswith(("kworker", "rcu", "ksoftirqd", "migration", "kdamond", "kswapd",
                                             "kcompactd", "khungtaskd", "kauditd", "cpuhp", "idle_inject")):
            klass = "kernel thread " + kthread_name(comm)
        else:
            klass = "other processes"
        classes[klass] += ms
        if klass in ("idle", "other processes"):
            continue
        kernel = [s for ip, s in frames if ip >= 0xffff800000000000 and s not in GENERIC]
        if kernel:
            self_[kernel[0]] += ms
        for s in set(kernel):
            inclusive[s] += ms
    return classes, inclusive, self_


def table(title, a, b, na, nb, top, key):
    print(f"\n{title}\n\n| | {na} | {nb} | ratio |\n|---|---:|---:|---:|")
    names = sorted(set(a) | set(b), key=key(a, b), reverse=True)[:top]
    for s in names:
        ratio = f"{b[s] / a[s]:.2f}" if a[s] > 0 else "new"
        print(f"| `{s}` | {a[s]:.3f} | {b[s]:.3f} | {ratio} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="FILE:N of the smaller deploy")
    parser.add_argument("b", help="FILE:N of the larger deploy")
    parser.add_argument("--top", type=int, default=30, help="rows per table")
    args = parser.parse_args()
    top = args.top
    (fa, na), (fb, nb) = (x.rsplit(":", 1) for x in (args.a, args.b))
    ca, ia, sa = analyse(fa, int(na))
    cb, ib, sb = analyse(fb, int(nb))
    print(f"ms of CPU per instance, {fa} (N={na}) against {fb} (N={nb})")
    table("By who ran it", ca, cb, na, nb, 20, lambda a, b: lambda s: b[s] + a[s])
    table("Kernel functions, inclusive, largest growth per instance", ia, ib, na, nb, top,
          lambda a, b: lambda s: b[s] - a[s])
    table("Kernel functions, self, largest growth per instance", sa, sb, na, nb, top,
          lambda a, b: lambda s: b[s] - a[s])
    table("Kernel functions, inclusive, largest at the larger N", ia, ib, na, nb, top,
          lambda a, b: lambda s: b[s])


main()
