/*
 * The agent's decoding of what the host sends (PROTOCOL.md): frame boundaries, string lists and
 * the checks every request's payload gets before anything is done with it. Pure functions over
 * bytes, no I/O and no global state, so the same code that runs as PID 1 in every guest is what
 * the fuzzer (fuzz/frames-fuzz.c) drives. Header-only: the agent stays one static binary built
 * from one file.
 */
#ifndef VSE_AGENT_FRAMES_H
#define VSE_AGENT_FRAMES_H

#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VERSION 1
#define MAX_PAYLOAD 65536
#define HDR 9                    /* length, type, channel */

static inline uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return le32toh(v); }
static inline void put32(void *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }

/* One frame found at the front of a buffer. */
struct frame { int type; uint32_t chan; const unsigned char *payload; uint32_t len; };

enum { FRAME_PARTIAL = 0, FRAME_OK = 1, FRAME_TOO_BIG = -1 };

/* The frame at the start of IN[0..LEN): FRAME_OK (F filled, it takes HDR + f->len bytes),
 * FRAME_PARTIAL (more bytes are needed) or FRAME_TOO_BIG (the stream is garbled). */
static inline int frame_next(const unsigned char *in, size_t len, struct frame *f) {
    if (len < HDR) return FRAME_PARTIAL;
    uint32_t n = get32(in);
    if (n > MAX_PAYLOAD) return FRAME_TOO_BIG;
    if (len - HDR < n) return FRAME_PARTIAL;
    f->type = in[4], f->chan = get32(in + 5), f->payload = in + HDR, f->len = n;
    return FRAME_OK;
}

/* Where the 13 bytes that begin an H (payload 4 or 8 bytes, channel 0, version 1) first start
 * in IN[0..LEN); random data matches them with odds of 2^-103 per position, so they mark a
 * frame boundary. Returns that offset with *FOUND = 1, else the offset of the first byte that
 * could still begin one (all before it can go) with *FOUND = 0. */
static inline size_t hello_boundary(const unsigned char *in, size_t len, int *found) {
    static const unsigned char tail[12] = {0, 0, 0, 'H', 0, 0, 0, 0, VERSION, 0, 0, 0};
    size_t k = 0;
    while (k + 13 <= len && !((in[k] == 4 || in[k] == 8) && !memcmp(in + k + 1, tail, 12))) k++;
    *found = k + 13 <= len;
    return k;
}

/* A string list: every string NUL-terminated, nothing after the last NUL. Returns a
 * NULL-terminated array of pointers into d (the caller frees the array), or NULL if malformed. */
static inline char **split(const unsigned char *d, size_t len, int *n) {
    if (len && d[len - 1]) return NULL;
    int c = 0;
    for (size_t i = 0; i < len; i++) c += !d[i];
    char **v = malloc(sizeof *v * (c + 1));
    if (!v) return NULL;
    c = 0;
    for (size_t i = 0; i < len; i += strlen((const char *)d + i) + 1) v[c++] = (char *)d + i;
    v[c] = NULL;
    *n = c;
    return v;
}

static inline int valid_env(const char *kv) { return kv[0] && kv[0] != '=' && strchr(kv, '='); }

/* The records of a configuration (C) and how many argument strings each takes. */
static const struct { const char *word; int nargs; } RECORDS[] = {
    {"hostname", 1}, {"env", 1}, {"mount9p", 3}, {"address", 2}, {"service", 1}};
enum { REC_HOSTNAME, REC_ENV, REC_MOUNT9P, REC_ADDRESS, REC_SERVICE, REC_COUNT };

/* Checks a configuration's string list whole (a typo must not leave half an instance): every
 * record known, each with its arguments. Returns -1 when it is sound, else the index of the
 * string at fault, with *UNKNOWN = 1 for an unknown keyword, 0 for missing arguments. */
static inline int config_check(char **a, int n, int *unknown) {
    for (int i = 0; i < n;) {
        int r = 0;
        while (r < REC_COUNT && strcmp(a[i], RECORDS[r].word)) r++;
        if (r == REC_COUNT) { *unknown = 1; return i; }
        if (i + RECORDS[r].nargs >= n) { *unknown = 0; return i; }
        i += 1 + RECORDS[r].nargs;
    }
    return -1;
}

/* The record A[I] of a configuration config_check accepted. */
static inline int config_record(char **a, int i) {
    int r = 0;
    while (strcmp(a[i], RECORDS[r].word)) r++;
    return r;
}

/* An exec request (X): CWD, NENV, NENV env entries, then ARGV (at least one string). Returns
 * NENV, or -1 when the list is malformed; *BAD_ENV is the index of an invalid env entry or -1. */
static inline int exec_request(char **a, int n, int *bad_env) {
    *bad_env = -1;
    if (!a || n < 3 || a[1][0] < '0' || a[1][0] > '9') return -1;
    char *end;
    long v = strtol(a[1], &end, 10);
    if (*end || v > n - 3) return -1;
    for (int i = 0; i < v; i++)
        if (!valid_env(a[2 + i])) { *bad_env = 2 + i; break; }
    return (int)v;
}

/* A file request: W PATH MODE (octal, at most 07777) or G PATH. Returns 0 when well formed. */
static inline int file_request(int type, char **a, int n, long *mode) {
    char *end;
    *mode = 0;
    if (!a || n < (type == 'W' ? 2 : 1) || !a[0][0]) return -1;
    if (type != 'W') return 0;
    if (!a[1][0]) return -1;
    *mode = strtol(a[1], &end, 8);
    return *mode < 0 || *mode > 07777 || *end ? -1 : 0;
}

#endif
