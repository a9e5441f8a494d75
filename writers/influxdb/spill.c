/* The spill file (see spill.h for the format and the contract). */
#define _GNU_SOURCE
#include "spill.h"

#include <lyrebird/error.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC      "LBSP"
#define HDR        16
#define MAX_RECORD (256u << 20)

struct influx_spill {
    int fd;
    char *path, *head_path;
    off_t head, end;
    size_t points;
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int read_full(int fd, void *buf, size_t n, off_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(fd, (char *)buf + done, n - done, off + (off_t)done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n, off_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = pwrite(fd, (const char *)buf + done, n - done, off + (off_t)done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

static int save_head(influx_spill *s)
{
    char tmp[4096], text[32];
    snprintf(tmp, sizeof tmp, "%s.new", s->head_path);
    int n = snprintf(text, sizeof text, "%lld\n", (long long)s->head);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return LB_EIO;
    int bad = write_full(fd, text, (size_t)n, 0) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, s->head_path) != 0)
        return LB_EIO;
    return 0;
}

/* Reads and checks the record header at off; on success sets *len and *points. With data,
 * also checks the CRC (reading the data into a scratch buffer). */
static int check_record(influx_spill *s, off_t off, off_t size, uint32_t *len, uint32_t *points,
                        const char **why)
{
    uint8_t h[HDR];
    if (off + HDR > size) {
        *why = "a record header is cut short";
        return -1;
    }
    if (read_full(s->fd, h, HDR, off) != 0 || memcmp(h, MAGIC, 4) != 0) {
        *why = "a record does not start with its marker";
        return -1;
    }
    *len = get32(h + 4);
    *points = get32(h + 8);
    if (*len > MAX_RECORD || off + HDR + (off_t)*len > size) {
        *why = "a record's data is cut short";
        return -1;
    }
    char *data = malloc(*len ? *len : 1);
    if (!data) {
        *why = "out of memory";
        return -1;
    }
    int ok = read_full(s->fd, data, *len, off + HDR) == 0 &&
             crc32(0, (const Bytef *)data, *len) == get32(h + 12);
    free(data);
    if (!ok) {
        *why = "a record's checksum does not match";
        return -1;
    }
    return 0;
}

influx_spill *influx_spill_open(const char *path, char *warn, size_t warnlen, char *err,
                                size_t errlen)
{
    if (warnlen)
        warn[0] = '\0';
    influx_spill *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path)) || asprintf(&s->head_path, "%s.head", path) < 0) {
        if (s)
            s->head_path = NULL;
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    s->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->fd < 0) {
        snprintf(err, errlen, "cannot open %.200s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(s->fd, &st) != 0) {
        snprintf(err, errlen, "cannot stat %.200s: %s", path, strerror(errno));
        goto fail;
    }
    FILE *f = fopen(s->head_path, "r");
    long long head = 0;
    if (f) {
        if (fscanf(f, "%lld", &head) != 1 || head < 0)
            head = 0;
        fclose(f);
    }
    if (head > st.st_size)
        head = 0; /* a head past the end: the file was replaced; read it all */
    s->head = head;
    off_t off = head;
    const char *why = NULL;
    while (off < st.st_size) {
        uint32_t len, points;
        if (check_record(s, off, st.st_size, &len, &points, &why) != 0)
            break;
        off += HDR + (off_t)len;
        s->points += points;
    }
    if (off < st.st_size) {
        snprintf(warn, warnlen, "%s at offset %lld: dropped the last %lld bytes", why,
                 (long long)off, (long long)(st.st_size - off));
        if (ftruncate(s->fd, off) != 0) {
            snprintf(err, errlen, "cannot cut %.200s: %s", path, strerror(errno));
            goto fail;
        }
    }
    s->end = off;
    return s;
fail:
    influx_spill_close(s);
    return NULL;
}

void influx_spill_close(influx_spill *s)
{
    if (!s)
        return;
    if (s->fd > 0)
        close(s->fd);
    free(s->path);
    free(s->head_path);
    free(s);
}

int influx_spill_append(influx_spill *s, const void *data, size_t len, size_t points)
{
    uint8_t h[HDR];
    memcpy(h, MAGIC, 4);
    put32(h + 4, (uint32_t)len);
    put32(h + 8, (uint32_t)points);
    put32(h + 12, (uint32_t)crc32(0, (const Bytef *)data, (uInt)len));
    if (len > MAX_RECORD || write_full(s->fd, h, HDR, s->end) != 0 ||
        write_full(s->fd, data, len, s->end + HDR) != 0) {
        if (ftruncate(s->fd, s->end) != 0) {
            /* the damaged tail is cut at the next open */
        }
        return LB_EIO;
    }
    s->end += HDR + (off_t)len;
    s->points += points;
    return 0;
}

size_t influx_spill_points(const influx_spill *s)
{
    return s->points;
}

size_t influx_spill_bytes(const influx_spill *s)
{
    return (size_t)(s->end - s->head);
}

int influx_spill_peek(influx_spill *s, size_t max_points, influx_buf *out, size_t *points,
                      size_t *consumed)
{
    off_t off = s->head;
    *points = 0;
    *consumed = 0;
    if (off >= s->end)
        return LB_ENOTFOUND;
    while (off < s->end) {
        uint8_t h[HDR];
        if (read_full(s->fd, h, HDR, off) != 0)
            return LB_EIO;
        uint32_t len = get32(h + 4), n = get32(h + 8);
        if (*points > 0 && *points + n > max_points)
            break;
        char *tmp = malloc(len ? len : 1);
        if (!tmp)
            return LB_ENOMEM;
        int r = read_full(s->fd, tmp, len, off + HDR);
        if (r == 0)
            influx_buf_add(out, tmp, len);
        free(tmp);
        if (r != 0)
            return LB_EIO;
        if (out->oom)
            return LB_ENOMEM;
        off += HDR + (off_t)len;
        *points += n;
    }
    *consumed = (size_t)(off - s->head);
    return 0;
}

int influx_spill_consume(influx_spill *s, size_t consumed, size_t points)
{
    s->head += (off_t)consumed;
    s->points = points > s->points ? 0 : s->points - points;
    if (s->head >= s->end) {
        s->head = s->end = 0;
        s->points = 0;
        if (ftruncate(s->fd, 0) != 0)
            return LB_EIO;
    }
    return save_head(s);
}
