/* What every adapter checks before a device's payload goes on the bus, by content type:
 *   application/senml+json  parsed, validated and normalised as SenML (senml.h)
 *   application/json        a JSON object or array
 *   application/octet-stream, text/plain   passed as they are
 * Parameters after ';' are ignored and types compare case-insensitively. */
#ifndef LYREBIRD_PAYLOAD_H
#define LYREBIRD_PAYLOAD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LB_CT_SENML "application/senml+json"
#define LB_CT_JSON "application/json"
#define LB_CT_BINARY "application/octet-stream"

/* The canonical name of content_type (one of the LB_CT_* strings or "text/plain", static), or
 * NULL when it is not a type adapters accept. NULL or "" gives def. */
const char *lb_payload_type(const char *content_type, const char *def);

/* Checks data[0..len) as the canonical type ct. Returns 0, or LB_EINVAL with err filled with
 * what was wrong ("record 2: 'v' must be a number", "not valid JSON: ..."). */
int lb_payload_check(const char *ct, const void *data, size_t len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
