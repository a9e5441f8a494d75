/* Lyrebird error codes. Functions return 0 on success and a negative LB_E* code on failure;
 * lb_strerror() names a code for logs. Where a person must be told what was wrong (a bad
 * request), functions also take an error buffer of LB_ERRLEN bytes and write a sentence. */
#ifndef LYREBIRD_ERROR_H
#define LYREBIRD_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define LB_ERRLEN 256

enum {
    LB_OK = 0,
    LB_ENOMEM = -1,    /* out of memory */
    LB_EINVAL = -2,    /* invalid argument or input */
    LB_ENOTFOUND = -3, /* no such object */
    LB_EEXIST = -4,    /* already exists */
    LB_EPERM = -5,     /* not allowed */
    LB_ETIMEDOUT = -6, /* timed out */
    LB_EIO = -7,       /* I/O or system call failed */
    LB_ETOOBIG = -8,   /* input over a size limit */
    LB_ENOTCONN = -9,  /* not connected (bus, server) */
    LB_EABI = -10,     /* plugin ABI mismatch */
    LB_EAGAIN = -11,   /* try again later (queue full) */
    LB_EUNAUTH = -12,  /* not authenticated */
};

/* Returns a static, human-readable name for an LB_E* code (never NULL). */
const char *lb_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
