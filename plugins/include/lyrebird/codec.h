/* The payload-codec plugin interface. A codec turns a device's raw payload into values (and
 * values into a downlink payload). Adapters load codec plugins as shared objects, like the
 * host loads plugins: each exports one symbol,
 *
 *     LB_CODEC_EXPORT const lb_codec_plugin *lb_codec_entry(void);
 *
 * returning a descriptor that lives as long as the object is loaded; the adapter checks
 * abi == LB_CODEC_ABI. `lyrebird-codec-<type>.so` next to the host binary provides codec
 * type <type> ("javascript", "cayennelpp", ...). A third party can add one with this header.
 *
 * Life of a codec: compile(source) once when a codec is saved or loaded -> lb_codec (shared,
 * immutable, thread-safe); instance_new(codec) once per device -> lb_codec_instance (the
 * device's own state: one device's globals never leak into another's); decode_uplink /
 * encode_downlink / decode_downlink on an instance, from one thread at a time per instance.
 *
 * Results are JSON text in The Things Stack's shapes, malloc'd, freed by the caller:
 *   decode_uplink   {"data": {...}, "warnings": ["..."], "errors": ["..."]}
 *                   plus "units": {"<key path>": "<SenML unit>"} when the codec knows them
 *   encode_downlink {"bytes": [1, 2, 3], "f_port": 1, "warnings": [...], "errors": [...]}
 *   decode_downlink as decode_uplink
 * A codec that fails (a throw, a timeout, the memory cap, a bad return value) answers 0 with
 * "errors" naming what went wrong, never crashes the process, and leaves the instance usable
 * for the next call. A negative LB_E* return means the call itself could not be made (out
 * of memory, bad arguments). */
#ifndef LYREBIRD_CODEC_H
#define LYREBIRD_CODEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LB_CODEC_ABI 1
#define LB_CODEC_EXPORT __attribute__((visibility("default")))
#define LB_CODEC_ENTRY "lb_codec_entry"

typedef struct lb_codec lb_codec;
typedef struct lb_codec_instance lb_codec_instance;

/* Limits of one call and one instance (0: the plugin's defaults, 100 ms and 16 MB). */
typedef struct lb_codec_limits {
    uint32_t time_ms;
    size_t memory_bytes;
} lb_codec_limits;

/* One uplink (or downlink payload to decode). */
typedef struct lb_codec_input {
    const uint8_t *bytes;
    size_t len;
    int fport;
    int64_t recv_time_ns;     /* Unix ns; uplinks only */
    const char *variables;    /* JSON object of the device's variables (ChirpStack), or NULL */
} lb_codec_input;

typedef struct lb_codec_plugin {
    uint32_t abi;     /* LB_CODEC_ABI */
    const char *type; /* "javascript", "cayennelpp" */
    const char *version;
    /* Compiles source (a script; native codecs ignore it and may take NULL). NULL with err
     * filled (a sentence for the user: syntax error with line, no known entry function...). */
    lb_codec *(*compile)(const char *source, size_t len, const lb_codec_limits *limits,
                         char *err, size_t errlen);
    void (*codec_free)(lb_codec *c);
    /* A new instance of c (c must outlive it); NULL with err filled. */
    lb_codec_instance *(*instance_new)(lb_codec *c, char *err, size_t errlen);
    void (*instance_free)(lb_codec_instance *i);
    /* Decodes in; *out_json as described above. 0 or a negative LB_E* code. */
    int (*decode_uplink)(lb_codec_instance *i, const lb_codec_input *in, char **out_json);
    /* Encodes data_json ({"data": {...}, "f_port": n?}) into a downlink. NULL member: the
     * codec type cannot encode. */
    int (*encode_downlink)(lb_codec_instance *i, const char *data_json, char **out_json);
    int (*decode_downlink)(lb_codec_instance *i, const lb_codec_input *in, char **out_json);
    void *reserved[4]; /* zero */
} lb_codec_plugin;

typedef const lb_codec_plugin *(*lb_codec_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
