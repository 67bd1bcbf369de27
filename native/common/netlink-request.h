/*
 * rtnetlink requests as `ip` makes them, without an ip process per step (~11 ms each), shared by
 * vse-launch and bench/net-floor.c (the kernel floor of vse-launch's network set-up, which must
 * send the same requests): a few fixed-size requests, each acknowledged before the next. Every
 * socket carries one request at a time, so the next error/ACK message on it with our sequence
 * number is our answer. Header-only: each program stays one binary built from one file.
 */
#ifndef VSE_NETLINK_REQUEST_H
#define VSE_NETLINK_REQUEST_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct nlreq {
    struct nlmsghdr h;
    char body[1024 - sizeof(struct nlmsghdr)];  /* names are <= 15 chars: requests stay far below */
};

static void nl_init(struct nlreq *r, int type, int flags, const void *hdr, size_t len) {
    memset(r, 0, sizeof *r);
    r->h.nlmsg_len = NLMSG_LENGTH(len);
    r->h.nlmsg_type = type;
    r->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    memcpy(NLMSG_DATA(&r->h), hdr, len);
}

/* Appends an attribute; a nest is one whose payload is followed by more attributes, closed by nl_end. */
static struct rtattr *nl_attr(struct nlreq *r, int type, const void *data, size_t len) {
    struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    if (len) memcpy(RTA_DATA(a), data, len);
    r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
    return a;
}
static void nl_end(struct nlreq *r, struct rtattr *nest) { nest->rta_len = (char *)r + r->h.nlmsg_len - (char *)nest; }
static void nl_str(struct nlreq *r, int type, const char *s) { nl_attr(r, type, s, strlen(s) + 1); }
static void nl_u32(struct nlreq *r, int type, uint32_t v) { nl_attr(r, type, &v, sizeof v); }

/* Sends the request and waits for its ACK: 0, or -1 with errno set to the kernel's answer. */
static int nl_talk(int sock, struct nlreq *r) {
    static uint32_t seq;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    r->h.nlmsg_seq = ++seq;
    if (sendto(sock, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return -1;
    for (;;) {
        /* An error ACK quotes the request (< 1 KiB): this holds it whole. */
        union { struct nlmsghdr h; char b[4096]; } buf;
        ssize_t n = recv(sock, &buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        for (struct nlmsghdr *m = &buf.h; NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n)) {
            if (m->nlmsg_seq != r->h.nlmsg_seq || m->nlmsg_type != NLMSG_ERROR) continue;
            int err = ((struct nlmsgerr *)NLMSG_DATA(m))->error;
            if (!err) return 0;
            errno = -err;
            return -1;
        }
    }
}

/* RTM_NEWLINK on an existing link, found by name, as `ip link set NAME addrgenmode none [master M]
 * [up]`: IPv6 address generation off (unless the kernel has no IPv6 at all). The kernel applies
 * `up` before addrgenmode within one request, so a link may come up here only while it has no
 * carrier (else it gets its link-local address first). */
static int nl_setlink(int sock, const char *name, unsigned master, int up) {
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_flags = up ? IFF_UP : 0, .ifi_change = up ? IFF_UP : 0};
    struct nlreq r;
    for (int inet6_off = 1;; inet6_off = 0) {
        nl_init(&r, RTM_NEWLINK, 0, &ifi, sizeof ifi);
        nl_str(&r, IFLA_IFNAME, name);
        if (master) nl_u32(&r, IFLA_MASTER, master);
        if (inet6_off) {
            struct rtattr *spec = nl_attr(&r, IFLA_AF_SPEC, NULL, 0), *inet6 = nl_attr(&r, AF_INET6, NULL, 0);
            uint8_t mode = IN6_ADDR_GEN_MODE_NONE;
            nl_attr(&r, IFLA_INET6_ADDR_GEN_MODE, &mode, 1);
            nl_end(&r, inet6);
            nl_end(&r, spec);
        }
        /* The kernel validates IFLA_AF_SPEC before changing anything: without IPv6 (ipv6.disable=1)
         * nothing was applied, and there is no address to generate either. */
        if (nl_talk(sock, &r) == 0) return 0;
        if (errno != EAFNOSUPPORT || !inet6_off) return -1;
    }
}

#endif
