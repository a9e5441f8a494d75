/* Payload checks by content type, shared by the adapters (payload.h). */
#include "lyrebird/payload.h"
#include "lyrebird/error.h"
#include "lyrebird/senml.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const types[] = {LB_CT_SENML, LB_CT_JSON, LB_CT_BINARY, "text/plain"};

const char *lb_payload_type(const char *content_type, const char *def)
{
    if (!content_type || !*content_type)
        return def;
    size_t n = strcspn(content_type, "; \t");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i]) == n && strncasecmp(content_type, types[i], n) == 0)
            return types[i];
    return NULL;
}

int lb_payload_check(const char *ct, const void *data, size_t len, char *err, size_t errlen)
{
    if (ct && strcmp(ct, LB_CT_SENML) == 0) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        lb_senml_pack *pack = NULL;
        int rc = lb_senml_parse(data, len, (double)now.tv_sec + now.tv_nsec / 1e9, &pack, err,
                                errlen);
        lb_senml_pack_free(pack);
        return rc;
    }
    if (ct && strcmp(ct, LB_CT_JSON) == 0) {
        json_error_t jerr;
        json_t *v = json_loadb(data, len, 0, &jerr);
        int ok = json_is_object(v) || json_is_array(v);
        if (!v)
            snprintf(err, errlen, "not valid JSON at line %d column %d: %s", jerr.line,
                     jerr.column, jerr.text);
        else if (!ok)
            snprintf(err, errlen, "JSON payload must be an object or an array");
        json_decref(v);
        return ok ? 0 : LB_EINVAL;
    }
    return 0;
}
