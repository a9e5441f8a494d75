/* libFuzzer target for lb_senml_parse: any bytes, a fixed now. A successful parse must give a
 * non-empty pack whose records have names and strings where their kind says so; every
 * result is freed, so leaks and out-of-bounds reads show under ASan. */
#include "lyrebird/error.h"
#include "lyrebird/senml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1700000000.0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[LB_ERRLEN];
    lb_senml_pack *pack = NULL;
    int rc = lb_senml_parse((const char *)data, size, NOW, &pack, err, sizeof err);
    if (rc != 0) {
        /* a failure leaves no pack and always explains itself */
        if (pack || err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
            abort();
        return 0;
    }
    if (!pack || pack->count == 0)
        abort();
    for (size_t i = 0; i < pack->count; i++) {
        const lb_senml_record *r = &pack->records[i];
        int has_string = r->kind == LB_SENML_STRING || r->kind == LB_SENML_DATA;
        if (!r->name || r->name[0] == '\0' || (has_string && !r->string) ||
            (r->kind == LB_SENML_NONE && !r->has_sum))
            abort();
        /* touch every string, so a bad pointer shows */
        volatile size_t n =
            strlen(r->name) + (r->unit ? strlen(r->unit) : 0) + (r->string ? strlen(r->string) : 0);
        (void)n;
    }
    lb_senml_pack_free(pack);
    return 0;
}
