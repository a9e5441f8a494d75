/* Private to plugins/js: the codec and instance structs shared by js_codec.c (life cycle,
 * plugin descriptor) and js_calls.c (marshalling one call in and its result out). */
#ifndef LB_JS_CODEC_H
#define LB_JS_CODEC_H

#include <lyrebird/codec.h>

#include "js_engine.h"

struct lb_codec {
    void *bytecode; /* the program, duk_dump_function'd; loaded by every instance */
    size_t bytecode_len;
    uint32_t time_ms;
    size_t memory;
};

struct lb_codec_instance {
    const lb_codec *codec;
    lb_js_heap *heap; /* malloc'd: its address is the heap's udata */
};

enum lb_js_call { LB_JS_DECODE_UPLINK, LB_JS_DECODE_DOWNLINK, LB_JS_ENCODE_DOWNLINK };

/* Runs one call on i (in for the decodes, data_json for the encode) and sets *out_json to the
 * malloc'd result. 0, or LB_EINVAL (bad variables or data JSON), LB_ENOMEM. */
int lb_js_call(lb_codec_instance *i, enum lb_js_call kind, const lb_codec_input *in,
               const char *data_json, char **out_json);

/* Replaces i's heap by a fresh one with the program loaded. 0, or LB_E* with err filled (i
 * keeps its old heap). */
int lb_js_instance_reload(lb_codec_instance *i, char *err, size_t errlen);

#endif
