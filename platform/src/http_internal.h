/* Private to http.c and http_resp.c. */
#ifndef LB_HTTP_INTERNAL_H
#define LB_HTTP_INTERNAL_H

#include <stdarg.h>

#include <lyrebird/http.h>

/* Frees what resp holds (body, headers) and empties it. */
void lb_http_resp_clear(lb_http_resp *resp);
/* lb_http_resp_error with a va_list. */
void lb_http_resp_verror(lb_http_resp *resp, int status, const char *fmt, va_list ap);

#endif
