/*
 * libFuzzer harness for the agent's decoding of host input (../frames.h): the input is the
 * byte stream a host writes to a port. It is cut into frames as the agent's parse() cuts it
 * (resynchronising on the next H after a frame that declares too much), and each frame's
 * payload, copied to a buffer of exactly its size so that AddressSanitizer sees any read past
 * it, goes through the checks of its request type. Every invariant the agent relies on after
 * those checks is asserted (trap): a string list's strings lie inside the payload and cover it,
 * an exec request leaves a non-empty argv, a mode is at most 07777, a checked configuration's
 * records are whole.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "frames.h"

#define require(c) do { if (!(c)) __builtin_trap(); } while (0)

static char **split_checked(const unsigned char *d, size_t len, int *n) {
    char **a = split(d, len, n);
    if (!a) return NULL;
    size_t covered = 0;
    for (int i = 0; i < *n; i++) {
        require((const unsigned char *)a[i] >= d && (const unsigned char *)a[i] < d + len);
        covered += strlen(a[i]) + 1;
    }
    require(a[*n] == NULL && covered == len);
    return a;
}

static void configuration(const unsigned char *d, size_t len) {
    int n, unknown;
    char **a = split_checked(d, len, &n);
    if (!a) return;
    int bad = config_check(a, n, &unknown);
    require(bad < n);
    if (bad < 0) {
        for (int i = 0; i < n; i += 1 + RECORDS[config_record(a, i)].nargs) {
            int r = config_record(a, i);
            require(i + RECORDS[r].nargs < n);
            struct in_addr addr;
            int prefix;
            if (r == REC_ENV) (void)valid_env(a[i + 1]);
            if (r == REC_ADDRESS && parse_cidr(a[i + 2], &addr, &prefix)) require(prefix >= 1 && prefix <= 32);
        }
    }
    free(a);
}

static void exec(const unsigned char *d, size_t len) {
    int n = 0, bad;
    char **a = split_checked(d, len, &n);
    int nenv = exec_request(a, n, &bad);
    if (nenv >= 0) {
        require(2 + nenv < n && a[2 + nenv] != NULL);
        require(bad == -1 || (bad >= 2 && bad < 2 + nenv && !valid_env(a[bad])));
    }
    free(a);
}

static void file(int type, const unsigned char *d, size_t len) {
    int n = 0;
    long mode;
    char **a = split_checked(d, len, &n);
    if (file_request(type, a, n, &mode) == 0) require(a[0][0] && mode >= 0 && mode <= 07777);
    free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t off = 0;
    int resync = 0;
    while (off < size) {
        if (resync) {
            int found;
            off += hello_boundary(data + off, size - off, &found);
            if (!found) break;
            resync = 0;
        }
        struct frame f;
        int r = frame_next(data + off, size - off, &f);
        if (r == FRAME_PARTIAL) break;
        if (r == FRAME_TOO_BIG) { resync = 1; off++; continue; }
        require(f.len <= MAX_PAYLOAD && f.payload + f.len <= data + size);
        unsigned char *p = malloc(f.len ? f.len : 1);
        if (!p) return 0;
        memcpy(p, f.payload, f.len);
        switch (f.type) {
        case 'C': configuration(p, f.len); break;
        case 'X': exec(p, f.len); break;
        case 'W': case 'G': file(f.type, p, f.len); break;
        case 'H': case 'K': if (f.len >= 4) (void)get32(p); if (f.len >= 8) (void)get32(p + 4); break;
        default: break;
        }
        free(p);
        off += HDR + f.len;
    }
    return 0;
}
