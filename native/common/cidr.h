/*
 * ADDRESS/PREFIX parsing shared by vse's C programs (vse-launch, vse-agent): dotted IPv4
 * (inet_pton takes nothing else) and a prefix 1-32. Header-only: each program stays one static
 * binary built from one file.
 */
#ifndef VSE_CIDR_H
#define VSE_CIDR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static int parse_cidr(const char *s, struct in_addr *addr, int *prefix) {
    char a[INET_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    if (!slash || slash - s >= (long)sizeof a || !slash[1] || strlen(slash + 1) > 2) return 0;
    memcpy(a, s, slash - s);
    a[slash - s] = 0;
    *prefix = 0;
    for (const char *p = slash + 1; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        *prefix = *prefix * 10 + (*p - '0');
    }
    return inet_pton(AF_INET, a, addr) == 1 && *prefix >= 1 && *prefix <= 32;
}

#endif
