/* libFuzzer target: the bus envelope decoder must refuse or decode any bytes, never crash,
 * and a decoded message must re-encode and decode to the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lb_message *m = lb_message_unpack(data, size);
    if (!m)
        return 0;
    size_t n = lb_message_packed_size(m);
    uint8_t *buf = malloc(n ? n : 1);
    if (buf) {
        lb_message_pack(m, buf);
        lb_message *again = lb_message_unpack(buf, n);
        if (!again || again->payload_len != m->payload_len || strcmp(again->channel, m->channel) ||
            again->created != m->created)
            abort();
        lb_message_free(again);
        free(buf);
    }
    lb_message_free(m);
    return 0;
}
