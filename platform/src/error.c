/* Names for the LB_E* error codes (error.h), as a table indexed by -code. */
#include "lyrebird/error.h"

static const char *const names[] = {
    [0] = "success",
    [-LB_ENOMEM] = "out of memory",
    [-LB_EINVAL] = "invalid argument",
    [-LB_ENOTFOUND] = "not found",
    [-LB_EEXIST] = "already exists",
    [-LB_EPERM] = "not allowed",
    [-LB_ETIMEDOUT] = "timed out",
    [-LB_EIO] = "input/output error",
    [-LB_ETOOBIG] = "too large",
    [-LB_ENOTCONN] = "not connected",
    [-LB_EABI] = "plugin ABI mismatch",
    [-LB_EAGAIN] = "try again",
    [-LB_EUNAUTH] = "not authenticated",
};

const char *lb_strerror(int err)
{
    if (err > 0 || -err >= (int)(sizeof names / sizeof names[0]) || !names[-err])
        return "unknown error";
    return names[-err];
}
