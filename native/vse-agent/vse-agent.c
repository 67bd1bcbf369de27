/*
 * vse-agent: PID 1 of every vse VM instance.
 *
 * The host drives the instance over up to four virtio-serial ports (vse.0 ... vse.3) with the
 * framed protocol of PROTOCOL.md next to this file: configure once (hostname, env, 9p shares,
 * address, services), then run commands (exec sessions with piped stdio), move files, power
 * off. One thread, one poll() loop. PID 1 must never exit (the kernel panics) nor block for
 * long (every port and session stalls with it), so every fd the loop touches is nonblocking,
 * hostile input only ever costs its own connection, and nothing here calls exit() once the
 * agent is running.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cidr.h"
#include "frames.h"

extern char **environ;

#define NPORTS 4
#define MAX_SESS 1024            /* all ports together; an exec session holds 4 fds */
#define OUT_CAP (256 << 10)      /* a port's queued output above which command output waits */
#define IN_CAP (256 << 10)       /* a command's queued stdin above which its port is not read */
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------- utilities */

static int console = -1;

static void say(const char *fmt, ...) {
    char line[512];
    int n = snprintf(line, sizeof line, "vse-agent: ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    va_end(ap);
    n += m < 0 ? 0 : m > (int)(sizeof line - n - 2) ? (int)(sizeof line - n - 2) : m;
    line[n++] = '\n';
    if (console >= 0 && write(console, line, n) < 0) { /* nowhere else to say it */ }
}


static void nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }
static void close_fd(int *fd) { if (*fd >= 0) close(*fd); *fd = -1; }

/* Every parent of PATH (not PATH itself), 0755. */
static int mkdir_parents(const char *path) {
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) { errno = ENAMETOOLONG; return -1; }
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') { *p = 0; if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1; *p = '/'; }
    return 0;
}
static int mkdir_p(const char *path) {
    return mkdir_parents(path) < 0 || (mkdir(path, 0755) < 0 && errno != EEXIST) ? -1 : 0;
}

/* Adds KEY=VALUE to a NULL-terminated env list, replacing an entry with the same KEY. */
static int env_set(char ***v, int *n, char *kv) {
    size_t k = strchr(kv, '=') - kv + 1;
    for (int i = 0; i < *n; i++)
        if (!strncmp((*v)[i], kv, k)) { (*v)[i] = kv; return 0; }
    char **nv = realloc(*v, sizeof *nv * (*n + 2));
    if (!nv) return -1;
    nv[(*n)++] = kv;
    nv[*n] = NULL;
    *v = nv;
    return 0;
}

/* A byte queue: appended at the end, consumed from the front. */
struct buf { char *d; size_t off, len, cap; };

static int buf_add(struct buf *b, const void *d, size_t n) {
    if (!n) return 0;
    if (b->off && b->off + b->len + n > b->cap) { memmove(b->d, b->d + b->off, b->len); b->off = 0; }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n) cap *= 2;
        char *nd = realloc(b->d, cap);
        if (!nd) return -1;
        b->d = nd, b->cap = cap;
    }
    memcpy(b->d + b->off + b->len, d, n);
    b->len += n;
    return 0;
}
static void buf_drop(struct buf *b, size_t n) { b->off += n; b->len -= n; if (!b->len) b->off = 0; }
static void buf_free(struct buf *b) { free(b->d); memset(b, 0, sizeof *b); }

/* ------------------------------------------------------- ports and frames */

/* ABSENT: no fd (not found yet, or reset). HUNG: open, but no host is connected: kept out of
 * poll() (it reports POLLHUP all the time) with O_ASYNC on, so the kernel's SIGIO on the host's
 * connection wakes us. LIVE: a host is connected. */
enum { P_ABSENT, P_HUNG, P_LIVE };

struct port {
    int fd, state;
    unsigned gen;                 /* bumped when the connection's state is forgotten */
    uint32_t conn;                /* the connection id of the host's H, 0 before one */
    int resync;                   /* after a garbled frame: skipping to the next H */
    int broken;                   /* out of memory for output: reset at the end of the turn */
    char dev[300];                /* /dev/vportNpM, once found */
    unsigned char in[HDR + MAX_PAYLOAD];
    size_t inlen;
    struct buf out;
};

static struct port ports[NPORTS];
static int configured;            /* R sent: h says 1 */
static int config_seen;           /* C arrived: it is accepted once per boot */
static char **cfg_env;            /* DEFAULT_PATH and the configuration's env records */
static int cfg_nenv;
static struct rlimit child_nofile;

static void send_frame(struct port *p, int type, uint32_t chan, const void *a, size_t an,
                       const void *b, size_t bn) {
    if (p->state != P_LIVE || p->broken) return;
    unsigned char h[HDR];
    put32(h, an + bn);
    h[4] = type;
    put32(h + 5, chan);
    if (buf_add(&p->out, h, HDR) < 0 || buf_add(&p->out, a, an) < 0 || buf_add(&p->out, b, bn) < 0) {
        /* The host misses frames now, so the connection is lost. It is reset by the loop,
         * not here: our callers still hold the session they were sending for. */
        buf_free(&p->out);
        p->broken = 1;
    }
}

static void send_int(struct port *p, int type, uint32_t chan, int v) {
    unsigned char b[4];
    put32(b, v);
    send_frame(p, type, chan, b, 4, NULL, 0);
}

/* F: on channel 0 (the connection) errno and message; on a session's channel errno, stage and
 * message (stage 0: the request itself failed). Logged during configuration only: a garbling
 * host could otherwise flood the console, which the agent's writes wait for. */
static int log_fails;

static void fail(struct port *p, uint32_t chan, int err, int stage, const char *fmt, ...) {
    char pl[8 + 1024];
    size_t n = 4;
    put32(pl, err);
    if (chan) put32(pl + 4, stage), n = 8;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(pl + n, 1024, fmt, ap);
    va_end(ap);
    n += (m < 0 ? 0 : m > 1023 ? 1023 : m) + 1;
    if (log_fails) say("configuration failed: %s", pl + (chan ? 8 : 4));
    send_frame(p, 'F', chan, pl, n, NULL, 0);
}

static void port_forget(struct port *p);

static void flush_port(struct port *p) {
    while (p->state == P_LIVE && p->out.len) {
        ssize_t n = write(p->fd, p->out.d + p->out.off, p->out.len);
        if (n > 0) { buf_drop(&p->out, n); continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;  /* POLLOUT, or POLLHUP if the host left */
        /* Not seen on virtio-serial. The tick reopens the port; the host, still connected, is
         * heard again from its next H. */
        say("vse.%d: write: %s: reopening the port", (int)(p - ports), strerror(errno));
        port_forget(p);
        p->resync = 1;
        close_fd(&p->fd);
        p->state = P_ABSENT;
    }
}

/* ------------------------------------------------------------- sessions */

enum { S_EXEC, S_WRITE, S_READ };

struct sess {
    int kind, port, slot;
    uint32_t chan;
    pid_t pid;
    int reaped, status;
    int in, out, err, rep;        /* exec: stdin, stdout, stderr, set-up report; -1 once closed */
    struct buf inq;               /* stdin not yet taken by the pipe */
    int in_eof;                   /* the host closed stdin: close the pipe once inq is written */
    int fd;                       /* W, G: the file */
};

static struct sess *sess[MAX_SESS];
static int nslots;                /* high-water mark of used slots */

static struct sess *find_sess(int port, uint32_t chan) {
    for (int i = 0; i < nslots; i++)
        if (sess[i] && sess[i]->port == port && sess[i]->chan == chan) return sess[i];
    return NULL;
}

static struct sess *new_sess(int port, uint32_t chan, int kind) {
    for (int i = 0; i < MAX_SESS; i++) {
        if (sess[i]) continue;
        struct sess *s = calloc(1, sizeof *s);
        if (!s) return NULL;
        s->kind = kind, s->port = port, s->chan = chan, s->slot = i;
        s->in = s->out = s->err = s->rep = s->fd = -1;
        sess[i] = s;
        if (i >= nslots) nslots = i + 1;
        return s;
    }
    return NULL;
}

/* Ends a session without a word to the host. kill_it: the host is gone, so is the command (its
 * whole process group: it is a session leader). A killed or failed child is reaped later as an
 * unknown pid; its pid cannot be reused before that, so no live session is ever confused. */
static void end_sess(struct sess *s, int kill_it) {
    if (s->kind == S_EXEC && kill_it && s->pid > 0 && !s->reaped) {
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
    }
    close_fd(&s->in), close_fd(&s->out), close_fd(&s->err), close_fd(&s->rep), close_fd(&s->fd);
    buf_free(&s->inq);
    sess[s->slot] = NULL;
    while (nslots && !sess[nslots - 1]) nslots--;
    free(s);
}

static void forget_sessions(struct port *p) {
    for (int i = 0; i < nslots; i++)
        if (sess[i] && sess[i]->port == p - ports) end_sess(sess[i], 1);
    buf_free(&p->out);  /* what is still queued was for the previous host */
}

/* The host is gone, or its stream cannot be trusted: nothing of the connection survives. */
static void port_forget(struct port *p) {
    forget_sessions(p);
    p->inlen = 0;
    p->conn = 0;
    p->broken = 0;
    p->gen++;
}

/* The stream cannot be trusted any more (a garbled frame, lost frames): what follows must not
 * run as requests. Everything up to the host's next H goes; the F tells the host to send one. */
static void port_reset(struct port *p, int err, const char *why) {
    say("vse.%d: %s: resetting the connection", (int)(p - ports), why);
    port_forget(p);
    p->resync = 1;
    fail(p, 0, err, 0, "%s: connection reset, send H", why);
}

/* ---------------------------------------------------------------- spawn */

/* Forks ARGV in CWD with ENV and stdio io[0..2]. The child reports a failed chdir (stage 1) or
 * exec (stage 2) with its errno on rep_w; rep_w is CLOEXEC, so EOF there means it exec'd. */
static pid_t spawn(char **argv, char **env, const char *cwd, const int io[3], int rep_w) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    /* Dispositions first, then the mask: nothing pending may reach the agent's handlers. */
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();  /* its own process group: a disconnect kills the command and what it started */
    for (int i = 0; i < 3; i++) dup2(io[i], i);
    setrlimit(RLIMIT_NOFILE, &child_nofile);
    int r[2] = {1, 0};
    if (chdir(cwd) < 0) {
        r[1] = errno;
    } else {
        environ = env;  /* execvp searches the PATH of environ, i.e. the command's own */
        execvp(argv[0], argv);
        r[0] = 2, r[1] = errno;
    }
    if (write(rep_w, r, sizeof r) < 0) { /* the parent sees EOF and a 127 exit */ }
    _exit(127);
}

/* The configured env plus extra (pointers, not copies; extra's entries win). */
static char **make_env(char **extra, int nextra) {
    char **v = malloc(sizeof *v * (cfg_nenv + 1));
    int n = cfg_nenv;
    if (!v || !cfg_env) { free(v); return NULL; }
    memcpy(v, cfg_env, sizeof *v * (cfg_nenv + 1));
    for (int i = 0; i < nextra; i++)
        if (env_set(&v, &n, extra[i]) < 0) { free(v); return NULL; }
    return v;
}

/* ------------------------------------------------------------ configure */

static char **mounts9p;
static int nmounts9p;

static int if_up(int sock, const char *name, const struct in_addr *addr, int prefix) {
    struct ifreq ifr = {0};
    if (strlen(name) >= IFNAMSIZ) { errno = EINVAL; return -1; }
    strcpy(ifr.ifr_name, name);
    if (addr) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
        sin->sin_family = AF_INET;
        sin->sin_addr = *addr;
        if (ioctl(sock, SIOCSIFADDR, &ifr) < 0) return -1;
        sin->sin_addr.s_addr = htonl(0xffffffffu << (32 - prefix));
        if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0) return -1;
    }
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) return -1;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl(sock, SIOCSIFFLAGS, &ifr);
}

/* vse takes SSH host keys out of every layer (a key is one machine's secret, and random per
 * build): before an ssh or sshd service, an image with none gets an ed25519 key of this
 * instance's own, as the sandbox's init does (SandboxDriver.InitScript, docs/security.md).
 * Waited for: sshd refuses to start without a key. A failure is said and left to sshd. */
static void ensure_host_key(void) {
    glob_t keys;
    int found = glob("/etc/ssh/ssh_host_*_key", GLOB_NOSORT, NULL, &keys) == 0;
    if (found) globfree(&keys);
    if (found || access("/usr/bin/ssh-keygen", X_OK) != 0) return;
    char *argv[] = {"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "",
                    "-f", "/etc/ssh/ssh_host_ed25519_key", NULL};
    int null = open("/dev/null", O_RDWR | O_CLOEXEC), rep[2], status = 0;
    if (null < 0 || pipe2(rep, O_CLOEXEC) < 0) { close_fd(&null); say("ssh host key: %s", strerror(errno)); return; }
    int out = console >= 0 ? console : null, io[3] = {null, out, out};
    pid_t pid = spawn(argv, cfg_env, "/", io, rep[1]);
    close(rep[1]);
    close(rep[0]);
    close(null);
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        say("ssh host key: ssh-keygen failed (status %d)", status);
    else
        say("ssh host key made (ed25519)");
}

/* /etc/init.d/NAME start when executable, else NAME from PATH, stdout and stderr on the
 * console. Waits for its exec only (the report pipe), never for the service. */
static int start_service(const char *name) {
    if (strcmp(name, "ssh") == 0 || strcmp(name, "sshd") == 0) ensure_host_key();
    char initd[4200];
    snprintf(initd, sizeof initd, "/etc/init.d/%s", name);
    char *initd_argv[] = {initd, "start", NULL}, *path_argv[] = {(char *)name, NULL};
    char **argv = !strchr(name, '/') && access(initd, X_OK) == 0 ? initd_argv : path_argv;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC), rep[2];
    if (null < 0 || pipe2(rep, O_CLOEXEC) < 0) { int e = errno; close_fd(&null); errno = e; return -1; }
    int out = console >= 0 ? console : null, io[3] = {null, out, out}, r[2] = {0, 0};
    pid_t pid = spawn(argv, cfg_env, "/", io, rep[1]);
    int e = errno;
    close(rep[1]);
    close(null);
    if (pid < 0) { close(rep[0]); errno = e; return -1; }
    ssize_t n;
    while ((n = read(rep[0], r, sizeof r)) < 0 && errno == EINTR) {}
    close(rep[0]);
    if (n == sizeof r) { errno = r[1]; return -1; }  /* reaped later as an unknown child */
    say("service %s started (%s)", name, argv[0]);
    return 0;
}

static void configure(struct port *p, const unsigned char *d, size_t len) {
    if (config_seen) { fail(p, 0, EALREADY, 0, "configuration is accepted once per boot"); return; }
    config_seen = 1;
    log_fails = 1;  /* why an instance did not start belongs in its serial log (`vse logs`) */
    int n, i, r = 0, unknown, sock = -1;
    char **a = split(d, len, &n);
    if (!a) { fail(p, 0, EINVAL, 0, "configuration: malformed string list"); goto out; }
    /* Checked whole before anything is applied: a typo must not leave half an instance. */
    if ((i = config_check(a, n, &unknown)) >= 0) {
        if (unknown) fail(p, 0, EINVAL, 0, "configuration: unknown record '%s'", a[i]);
        else fail(p, 0, EINVAL, 0, "configuration: %s needs %d argument(s)", a[i], RECORDS[config_record(a, i)].nargs);
        goto out;
    }
    for (i = 0; i < n; i += 1 + RECORDS[r].nargs) {
        r = config_record(a, i);
        char *x = a[i + 1];
        if (r == REC_HOSTNAME && sethostname(x, strlen(x)) < 0) { fail(p, 0, errno, 0, "hostname %s: %s", x, strerror(errno)); goto out; }
        if (r == REC_ENV) {
            char *kv = valid_env(x) ? strdup(x) : NULL;
            if (!kv || env_set(&cfg_env, &cfg_nenv, kv) < 0) { fail(p, 0, EINVAL, 0, "env %s: invalid or out of memory", x); goto out; }
        }
        if (r == REC_MOUNT9P) {
            const char *tag = x, *target = a[i + 2], *mode = a[i + 3];
            if (strcmp(mode, "ro") && strcmp(mode, "rw")) { fail(p, 0, EINVAL, 0, "mount9p %s: mode must be ro or rw, not %s", tag, mode); goto out; }
            if (mkdir_p(target) < 0 || mount(tag, target, "9p", !strcmp(mode, "ro") ? MS_RDONLY : 0,
                                              "trans=virtio,version=9p2000.L,msize=512000") < 0) {
                fail(p, 0, errno, 0, "mount9p %s on %s: %s", tag, target, strerror(errno));
                goto out;
            }
            char **nm = realloc(mounts9p, sizeof *nm * (nmounts9p + 1));
            if (nm && (nm[nmounts9p] = strdup(target))) mounts9p = nm, nmounts9p++;
            else if (nm) mounts9p = nm;
        }
        if (r == REC_ADDRESS) {
            struct in_addr addr;
            int prefix;
            if (!parse_cidr(a[i + 2], &addr, &prefix)) { fail(p, 0, EINVAL, 0, "address %s: %s is not A.B.C.D/1-32", x, a[i + 2]); goto out; }
            if (sock < 0 && (sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) { fail(p, 0, errno, 0, "socket: %s", strerror(errno)); goto out; }
            if (if_up(sock, x, &addr, prefix) < 0) { fail(p, 0, errno, 0, "address %s %s: %s", x, a[i + 2], strerror(errno)); goto out; }
        }
    }
    for (i = 0; i < n; i += 1 + RECORDS[r].nargs) {
        r = config_record(a, i);
        if (r == REC_SERVICE && start_service(a[i + 1]) < 0) { fail(p, 0, errno, 0, "service %s: %s", a[i + 1], strerror(errno)); goto out; }
    }
    configured = 1;
    say("configured");
    send_frame(p, 'R', 0, NULL, 0, NULL, 0);
out:
    log_fails = 0;
    if (sock >= 0) close(sock);
    free(a);
}

/* -------------------------------------------------------------- requests */

static void on_exec(struct port *p, uint32_t chan, const unsigned char *d, size_t len) {
    int n = 0, bad, pi = p - ports;
    char **a = split(d, len, &n);
    int io[8] = {-1, -1, -1, -1, -1, -1, -1, -1};  /* stdin, stdout, stderr, report: child, parent end */
    int nenv = exec_request(a, n, &bad);
    if (nenv < 0) { fail(p, chan, EINVAL, 0, "exec: malformed request"); goto out; }
    if (bad >= 0) { fail(p, chan, EINVAL, 0, "exec: invalid env entry %s", a[bad]); goto out; }
    if (!chan) { fail(p, 0, EINVAL, 0, "exec needs a nonzero channel"); goto out; }
    if (find_sess(pi, chan)) { fail(p, chan, EBUSY, 0, "channel %u is in use", chan); goto out; }
    struct sess *s = new_sess(pi, chan, S_EXEC);
    if (!s) { fail(p, chan, EAGAIN, 0, "too many sessions"); goto out; }
    char **env = make_env(a + 2, nenv);
    int ok = env != NULL;
    /* io[2k] is the child's end, io[2k+1] ours; stdin's pipe is the other way round. */
    for (int k = 0; ok && k < 4; k++) {
        int pp[2];
        if (pipe2(pp, O_CLOEXEC) < 0) { ok = 0; break; }
        io[2 * k] = k == 0 ? pp[0] : pp[1];
        io[2 * k + 1] = k == 0 ? pp[1] : pp[0];
    }
    int cio[3] = {io[0], io[2], io[4]};
    pid_t pid = ok ? spawn(a + 2 + nenv, env, a[0], cio, io[6]) : -1;
    int e = errno;
    free(env);
    for (int k = 0; k < 4; k++) close_fd(&io[2 * k]);
    if (pid < 0) {
        for (int k = 0; k < 4; k++) close_fd(&io[2 * k + 1]);
        end_sess(s, 0);
        fail(p, chan, e, 0, "exec %s: %s", a[2 + nenv], strerror(e));
        goto out;
    }
    s->pid = pid, s->in = io[1], s->out = io[3], s->err = io[5], s->rep = io[7];
    for (int k = 0; k < 4; k++) nonblock(io[2 * k + 1]);
out:
    free(a);
}

/* Writes what the pipe takes now; the rest waits for POLLOUT. */
static void stdin_flush(struct sess *s) {
    while (s->in >= 0 && s->inq.len) {
        ssize_t n = write(s->in, s->inq.d + s->inq.off, s->inq.len);
        if (n > 0) { buf_drop(&s->inq, n); continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        close_fd(&s->in);  /* EPIPE: the command no longer reads stdin; its input is dropped */
        buf_free(&s->inq);
    }
    if (s->in >= 0 && s->in_eof && !s->inq.len) close_fd(&s->in);
}

static void on_stdin(struct port *p, struct sess *s, const unsigned char *d, size_t len) {
    if (!s || s->kind != S_EXEC) return;  /* a session that just ended: the host raced us */
    if (!len) s->in_eof = 1;
    else if (s->in >= 0 && buf_add(&s->inq, d, len) < 0) {
        port_reset(p, ENOMEM, "out of memory for stdin");
        return;
    }
    stdin_flush(s);
}

static void on_kill(struct sess *s, const unsigned char *d, size_t len) {
    if (!s || s->kind != S_EXEC || len < 4) return;
    int sig = (int)get32(d);
    if (sig > 0 && sig < NSIG && !s->reaped) kill(s->pid, sig);  /* never a reaped, reusable pid */
}

static void on_file(struct port *p, int type, uint32_t chan, const unsigned char *d, size_t len) {
    int n = 0, pi = p - ports;
    char **a = split(d, len, &n);
    long mode;
    if (file_request(type, a, n, &mode) < 0) {
        fail(p, chan, EINVAL, 0, "%c: malformed request", type);
        goto out;
    }
    if (!chan) { fail(p, 0, EINVAL, 0, "%c needs a nonzero channel", type); goto out; }
    if (find_sess(pi, chan)) { fail(p, chan, EBUSY, 0, "channel %u is in use", chan); goto out; }
    struct sess *s = new_sess(pi, chan, type == 'W' ? S_WRITE : S_READ);
    if (!s) { fail(p, chan, EAGAIN, 0, "too many sessions"); goto out; }
    struct stat st;
    if (type == 'W') {
        /* fchmod: MODE holds for an existing file too, and the umask does not apply. */
        if (mkdir_parents(a[0]) < 0 ||
            (s->fd = open(a[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, mode)) < 0 ||
            fchmod(s->fd, mode) < 0) {
            fail(p, chan, errno, 0, "%s: %s", a[0], strerror(errno));
            end_sess(s, 0);
        }
    } else if ((s->fd = open(a[0], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0 || fstat(s->fd, &st) < 0 ||
               (!S_ISREG(st.st_mode) && (errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL))) {
        fail(p, chan, errno, 0, "%s: %s", a[0], strerror(errno));
        end_sess(s, 0);
    }
out:
    free(a);
}

static void on_file_data(struct port *p, struct sess *s, const unsigned char *d, size_t len) {
    if (!s || s->kind != S_WRITE) return;  /* after an F the host may still be sending */
    for (size_t done = 0; done < len;) {
        ssize_t n = write(s->fd, d + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { fail(p, s->chan, n < 0 ? errno : EIO, 0, "write: %s", strerror(n < 0 ? errno : EIO)); end_sess(s, 0); return; }
        done += n;
    }
    if (len) return;
    int r = close(s->fd), e = errno;
    s->fd = -1;
    if (r < 0) fail(p, s->chan, e, 0, "close: %s", strerror(e));
    else send_int(p, 'x', s->chan, 0);
    end_sess(s, 0);
}

/* G: one chunk per turn of the loop while the port has room, so a big file neither blocks the
 * loop nor piles up in memory. Returns 1 while there is more. */
static int pump_file(struct sess *s) {
    static unsigned char chunk[MAX_PAYLOAD];
    struct port *p = &ports[s->port];
    ssize_t n = read(s->fd, chunk, sizeof chunk);
    if (n > 0) { send_frame(p, '1', s->chan, chunk, n, NULL, 0); return 1; }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
    if (n < 0) fail(p, s->chan, errno, 0, "read: %s", strerror(errno));
    else send_int(p, 'x', s->chan, 0);
    end_sess(s, 0);
    return 0;
}

/* A command's stdout (1) or stderr (2): one read per readiness, so no session starves others. */
static void pump_pipe(struct sess *s, int *fd, int type) {
    static unsigned char chunk[MAX_PAYLOAD];
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n > 0) send_frame(&ports[s->port], type, s->chan, chunk, n, NULL, 0);
    else if (n == 0 || (errno != EAGAIN && errno != EINTR)) close_fd(fd);
}

/* The child's set-up report: 8 bytes when chdir or exec failed, EOF when it exec'd. */
static void on_report(struct sess *s) {
    int r[2];
    ssize_t n = read(s->rep, r, sizeof r);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    close_fd(&s->rep);
    if (n != sizeof r) return;
    struct port *p = &ports[s->port];
    fail(p, s->chan, r[1], r[0], "%s: %s", r[0] == 1 ? "chdir" : "exec", strerror(r[1]));
    end_sess(s, 0);  /* it _exits 127 right away; the channel is the host's again */
}

static void poweroff(const char *why);

static void on_frame(struct port *p, int type, uint32_t chan, const unsigned char *d, size_t len) {
    struct sess *s = chan ? find_sess(p - ports, chan) : NULL;
    unsigned char hello[12];
    uint32_t id = len >= 8 ? get32(d + 4) : 0;
    switch (type) {
    case 'H':
        /* A new connection id: a host disconnected and the next one connected before we saw the
         * end of file (virtio-serial shows no trace of that). Same as that end of file, except
         * that what follows this H in p->in is the new host's. */
        if (id && id != p->conn) {
            forget_sessions(p);
            p->conn = id;
        }
        put32(hello, VERSION);
        put32(hello + 4, configured);
        put32(hello + 8, id);
        send_frame(p, 'h', chan, hello, 12, NULL, 0);
        break;
    case 'C': configure(p, d, len); break;
    case 'P': poweroff("the host asked"); break;
    case 'X': on_exec(p, chan, d, len); break;
    case 'I': on_stdin(p, s, d, len); break;
    case 'K': on_kill(s, d, len); break;
    case 'W': case 'G': on_file(p, type, chan, d, len); break;
    case 'w': on_file_data(p, s, d, len); break;
    default: fail(p, chan, EPROTO, 0, "unknown frame type 0x%02x", type);
    }
}

/* ------------------------------------------------------------ port lifecycle */

/* A HUNG port: is a host there now? (After SIGIO, on the tick, and right after hanging up,
 * because the host may have come back before O_ASYNC was on.) */
static void port_check(struct port *p) {
    struct pollfd f = {p->fd, POLLIN, 0};
    if (poll(&f, 1, 0) < 0) return;
    if (f.revents & (POLLERR | POLLNVAL)) { close_fd(&p->fd); p->state = P_ABSENT; return; }
    if (f.revents & POLLHUP) {
        /* Still no host: what an earlier connection left unread is not for the next one. */
        char junk[4096];
        while (read(p->fd, junk, sizeof junk) > 0) {}
        return;
    }
    fcntl(p->fd, F_SETFL, (fcntl(p->fd, F_GETFL) & ~O_ASYNC) | O_NONBLOCK);
    p->state = P_LIVE;
    say("vse.%d: host connected", (int)(p - ports));
}

static void port_wait(struct port *p) {
    p->state = P_HUNG;
    fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_ASYNC | O_NONBLOCK);
    port_check(p);
}

/* End of file: the host disconnected. Its sessions die; the port waits for the next host. */
static void port_hangup(struct port *p) {
    if (p->state == P_LIVE) say("vse.%d: host disconnected", (int)(p - ports));
    port_forget(p);
    p->resync = 0;  /* the next host starts with a clean stream */
    port_wait(p);
}

static void port_open(struct port *p) {
    p->fd = open(p->dev, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (p->fd < 0) return;  /* the tick retries */
    fcntl(p->fd, F_SETOWN, getpid());
    port_wait(p);
}

/* Drops what precedes the host's next H (all but a possible partial one at the end); 1 once found. */
static int skip_to_hello(struct port *p) {
    int found;
    size_t k = hello_boundary(p->in, p->inlen, &found);
    memmove(p->in, p->in + k, p->inlen - k);
    p->inlen -= k;
    return found;
}

/* Handles every complete frame in p->in. Returns -1 when the connection was reset meanwhile. */
static int parse(struct port *p) {
    size_t off = 0;
    unsigned gen = p->gen;
    if (p->resync) {
        if (!skip_to_hello(p)) return 0;
        p->resync = 0;
        say("vse.%d: in step again", (int)(p - ports));
    }
    struct frame f;
    int r;
    while ((r = frame_next(p->in + off, p->inlen - off, &f)) == FRAME_OK) {
        on_frame(p, f.type, f.chan, f.payload, f.len);
        if (p->gen != gen) return -1;
        off += HDR + f.len;
    }
    if (r == FRAME_TOO_BIG) { port_reset(p, EPROTO, "a frame of more than 65536 bytes"); return -1; }
    memmove(p->in, p->in + off, p->inlen - off);
    p->inlen -= off;
    return 0;
}

/* Stdin the commands have not taken yet: above IN_CAP, the port is not read (flow control). */
static int port_blocked(struct port *p) {
    for (int i = 0; i < nslots; i++)
        if (sess[i] && sess[i]->port == p - ports && sess[i]->inq.len > IN_CAP) return 1;
    return 0;
}

/* A virtio port read returns at most one of the host's buffers (a page), so read on to EAGAIN.
 * hup: the host has gone; what it sent before still counts (a P sent just before closing). */
static void port_read(struct port *p, int hup) {
    for (int i = 0; i < 256 && p->state == P_LIVE && (hup || !port_blocked(p)); i++) {
        ssize_t n = read(p->fd, p->in + p->inlen, sizeof p->in - p->inlen);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) { if (n < 0) say("vse.%d: read: %s", (int)(p - ports), strerror(errno)); port_hangup(p); return; }
        p->inlen += n;
        if (parse(p) < 0) return;
    }
}

/* Finds vse.N through /sys/class/virtio-ports/ * /name for the ports that have no device yet. */
static void discover(void) {
    DIR *dir = opendir("/sys/class/virtio-ports");
    struct dirent *e;
    if (!dir) return;
    while ((e = readdir(dir))) {
        char path[300], name[32] = "";
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n = read(fd, name, sizeof name - 1);
        close(fd);
        if (n < 6) continue;
        name[n] = 0;
        name[strcspn(name, "\n")] = 0;
        if (strncmp(name, "vse.", 4) || name[4] < '0' || name[4] >= '0' + NPORTS || name[5]) continue;
        struct port *p = &ports[name[4] - '0'];
        if (p->dev[0]) continue;
        snprintf(p->dev, sizeof p->dev, "/dev/%s", e->d_name);
        say("vse.%c is %s", name[4], p->dev);
    }
    closedir(dir);
}

/* -------------------------------------------------------------- children */

static void reap(void) {
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
        for (int i = 0; i < nslots; i++) {
            struct sess *s = sess[i];
            if (s && s->kind == S_EXEC && s->pid == pid && !s->reaped) {
                s->reaped = 1;
                s->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
        }
}

/* x only when the process is reaped and both its pipes are at EOF: all output precedes it. */
static void finish_sessions(void) {
    for (int i = 0; i < nslots; i++) {
        struct sess *s = sess[i];
        if (!s || s->kind != S_EXEC || !s->reaped || s->rep >= 0 || s->out >= 0 || s->err >= 0) continue;
        send_int(&ports[s->port], 'x', s->chan, s->status);
        end_sess(s, 0);
    }
}

/* ------------------------------------------------------------- power off */

/* /proc/mounts escapes blanks and backslashes as \ooo. */
static void unescape(char *s) {
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *o++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
            s += 3;
        } else *o++ = *s;
    }
    *o = 0;
}

static void wait_children(int ms) {
    for (int t = 0; t < ms; t += 10) {
        pid_t r;
        while ((r = waitpid(-1, NULL, WNOHANG)) > 0) {}
        if (r < 0 && errno == ECHILD) return;
        usleep(10000);
    }
}

static void poweroff(const char *why) {
    say("powering off (%s)", why);
    for (int i = 0; i < NPORTS; i++) flush_port(&ports[i]);
    kill(-1, SIGTERM);  /* everyone but us */
    wait_children(2000);
    kill(-1, SIGKILL);
    wait_children(500);
    sync();
    for (int i = nmounts9p - 1; i >= 0; i--) umount2(mounts9p[i], 0);
    /* Then whatever else is mounted, innermost first; / itself goes read-only. */
    FILE *f = fopen("/proc/self/mounts", "re");
    char line[4096], *mp[256];
    int n = 0;
    while (f && n < (int)N(mp) && fgets(line, sizeof line, f)) {
        char *dir = strchr(line, ' '), *end = dir ? strchr(dir + 1, ' ') : NULL;
        if (!end) continue;
        *end = 0;
        unescape(++dir);
        if (strcmp(dir, "/") && (mp[n] = strdup(dir))) n++;
    }
    if (f) fclose(f);
    while (n--) umount2(mp[n], 0);
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0) say("remount / read-only: %s", strerror(errno));
    sync();
    reboot(RB_POWER_OFF);
    say("power off: %s", strerror(errno));
    reboot(RB_AUTOBOOT);  /* QEMU runs with -no-reboot: a reboot ends it too */
    for (;;) pause();
}

/* --------------------------------------------------------------- start-up */

static void mount_dir(const char *src, const char *dir, const char *type, unsigned long fl, const char *data) {
    if (mkdir_p(dir) < 0 || (mount(src, dir, type, fl, data) < 0 && errno != EBUSY))
        say("mount %s on %s: %s", type, dir, strerror(errno));
}

/* The unified cgroup hierarchy at /sys/fs/cgroup, as systemd mounts it on a v2 host: without it a
 * guest has no cgroups at all (no systemd mounts one; vse in the guest could limit nothing), and
 * v2 only is what sites run. nsdelegate makes cgroup namespaces delegation boundaries;
 * memory_recursiveprot (5.7+) is systemd's default too. A kernel that refuses the options gets
 * the plain mount; a kernel without cgroup2 leaves /sys/fs/cgroup empty, said on the console. */
static void mount_cgroup2(void) {
    static const char dir[] = "/sys/fs/cgroup";
    const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;
    if (mkdir_p(dir) < 0) { say("mount cgroup2 on %s: %s", dir, strerror(errno)); return; }
    if (mount("cgroup2", dir, "cgroup2", fl, "nsdelegate,memory_recursiveprot") == 0 || errno == EBUSY) return;
    if (errno == EINVAL && (mount("cgroup2", dir, "cgroup2", fl, NULL) == 0 || errno == EBUSY)) return;
    say("mount cgroup2 on %s: %s", dir, strerror(errno));
}

static void nop(int sig) { (void)sig; }

static int setup(void) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    console = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    /* fds 0-2 stay taken, so a pipe never lands there and a child's dup2 cannot clobber one. */
    if (null >= 0) dup2(null, 0);
    dup2(console >= 0 ? console : null, 1);
    dup2(console >= 0 ? console : null, 2);
    if (null > 2) close(null);
    umask(022);
    if (chdir("/") < 0) say("chdir /: %s", strerror(errno));

    /* Signals arrive through a signalfd; the no-op handlers matter for PID 1 only: the kernel
     * drops a signal to init whose disposition is SIG_DFL unless it is blocked right then. */
    sigset_t set;
    sigemptyset(&set);
    static const int sigs[] = {SIGCHLD, SIGTERM, SIGIO, SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGPWR};
    struct sigaction sa = {.sa_handler = nop};
    for (size_t i = 0; i < N(sigs); i++) sigaddset(&set, sigs[i]), sigaction(sigs[i], &sa, NULL);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) say("signalfd: %s", strerror(errno));

    /* 1024 sessions hold up to 4096 fds; commands get the kernel's defaults back. */
    getrlimit(RLIMIT_NOFILE, &child_nofile);
    struct rlimit rl = {65536, 65536};
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
        rl = child_nofile;
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    mount_dir("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666");
    mount_dir("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mount_cgroup2();
    static const char *const links[][2] = {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
        {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"}};
    for (size_t i = 0; i < N(links); i++) if (symlink(links[i][0], links[i][1]) < 0 && errno != EEXIST) say("%s: %s", links[i][1], strerror(errno));
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0 || if_up(sock, "lo", NULL, 0) < 0) say("lo up: %s", strerror(errno));
    if (sock >= 0) close(sock);

    if (env_set(&cfg_env, &cfg_nenv, DEFAULT_PATH) < 0) say("out of memory");
    for (int i = 0; i < NPORTS; i++) ports[i].fd = -1;
    return sfd;
}

/* ------------------------------------------------------------------- loop */

enum { T_SIG, T_PORT, T_IN, T_OUT, T_ERR, T_REP };

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

int main(void) {
    if (getpid() != 1) {
        /* P would SIGTERM every process of the machine it runs on. */
        fputs("vse-agent: runs as PID 1 of a vse VM only\n", stderr);
        return 2;
    }
    int sfd = setup();
    static struct pollfd pfd[1 + NPORTS + 4 * MAX_SESS];
    static struct { unsigned char kind; short idx; } tag[N(pfd)];
    long start = now_ms(), next_tick = 0;
    int announced = 0;

    for (;;) {
        /* The tick finds ports and rechecks hung ones (SIGIO normally does that sooner): every
         * 100 ms while the VM boots, then every second. */
        long t = now_ms();
        if (t >= next_tick) {
            int any = 0, unknown = 0;
            for (int i = 0; i < NPORTS; i++) unknown |= !ports[i].dev[0];
            if (unknown) discover();
            for (int i = 0; i < NPORTS; i++) {
                struct port *p = &ports[i];
                if (p->dev[0] && p->state == P_ABSENT) port_open(p);
                else if (p->state == P_HUNG) port_check(p);
                any |= p->state != P_ABSENT;
            }
            if (any && !announced) announced = 1, say("ready for the host");
            next_tick = t + (t - start < 5000 ? 100 : 1000);
        }

        int n = 0, idle = 1, timeout;
        if (sfd >= 0) pfd[n] = (struct pollfd){sfd, POLLIN, 0}, tag[n++].kind = T_SIG;
        for (int i = 0; i < NPORTS; i++) {
            struct port *p = &ports[i];
            if (p->state != P_LIVE) { idle = 0; continue; }
            short ev = (port_blocked(p) ? 0 : POLLIN) | (p->out.len ? POLLOUT : 0);
            pfd[n] = (struct pollfd){p->fd, ev, 0}, tag[n].kind = T_PORT, tag[n++].idx = i;
        }
        int file_ready = 0;
        for (int i = 0; i < nslots; i++) {
            struct sess *s = sess[i];
            if (!s) continue;
            int room = ports[s->port].out.len < OUT_CAP;
            if (s->kind == S_READ) { file_ready |= room; continue; }
            if (s->kind != S_EXEC) continue;
            if (s->in >= 0 && s->inq.len) pfd[n] = (struct pollfd){s->in, POLLOUT, 0}, tag[n].kind = T_IN, tag[n++].idx = i;
            if (s->out >= 0 && room) pfd[n] = (struct pollfd){s->out, POLLIN, 0}, tag[n].kind = T_OUT, tag[n++].idx = i;
            if (s->err >= 0 && room) pfd[n] = (struct pollfd){s->err, POLLIN, 0}, tag[n].kind = T_ERR, tag[n++].idx = i;
            if (s->rep >= 0) pfd[n] = (struct pollfd){s->rep, POLLIN, 0}, tag[n].kind = T_REP, tag[n++].idx = i;
        }
        timeout = file_ready ? 0 : idle ? -1 : (int)(next_tick - t > 0 ? next_tick - t : 0);

        int r = poll(pfd, n, timeout);
        if (r < 0 && errno != EINTR) { say("poll: %s", strerror(errno)); usleep(100000); continue; }
        for (int k = 0; r > 0 && k < n; k++) {
            if (!pfd[k].revents) continue;
            struct sess *s = tag[k].kind >= T_IN ? sess[tag[k].idx] : NULL;
            switch (tag[k].kind) {
            case T_SIG: {
                struct signalfd_siginfo si;
                while (read(sfd, &si, sizeof si) == sizeof si) {
                    if (si.ssi_signo == SIGTERM) poweroff("SIGTERM");
                    if (si.ssi_signo == SIGIO)
                        for (int i = 0; i < NPORTS; i++) if (ports[i].state == P_HUNG) port_check(&ports[i]);
                }
                break;
            }
            case T_PORT: {
                /* The fd may have been replaced this turn (reset, reopen): only a LIVE one counts. */
                struct port *p = &ports[tag[k].idx];
                if (p->state != P_LIVE || p->fd != pfd[k].fd) break;
                if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) port_read(p, !!(pfd[k].revents & (POLLHUP | POLLERR)));
                if (pfd[k].revents & POLLOUT) flush_port(p);
                break;
            }
            /* A slot may hold another session by now; the fd check and EAGAIN make that harmless. */
            case T_IN: if (s && s->in == pfd[k].fd) stdin_flush(s); break;
            case T_OUT: if (s && s->out == pfd[k].fd) pump_pipe(s, &s->out, '1'); break;
            case T_ERR: if (s && s->err == pfd[k].fd) pump_pipe(s, &s->err, '2'); break;
            case T_REP: if (s && s->rep == pfd[k].fd) on_report(s); break;
            }
        }
        reap();  /* every turn: cheap, and no SIGCHLD coalescing can leave a zombie */
        finish_sessions();
        for (int i = 0; i < nslots; i++)
            if (sess[i] && sess[i]->kind == S_READ && ports[sess[i]->port].out.len < OUT_CAP) pump_file(sess[i]);
        for (int i = 0; i < NPORTS; i++) {
            if (ports[i].broken) port_reset(&ports[i], ENOMEM, "out of memory for output");
            flush_port(&ports[i]);
        }
    }
}
