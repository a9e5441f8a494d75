/* Metrics: counters, gauges and histograms that any plugin registers and the host renders
 * at GET /metrics in the Prometheus text exposition format (version 0.0.4).
 *
 * A metric name may carry a fixed label set: "lb_http_requests_total{code=\"200\"}".
 * Metrics sharing the base name share one HELP/TYPE header. Registering the same full name
 * twice returns the same metric. Updates are lock-free (atomics) and may come from any
 * thread; registration and rendering take a mutex. Metrics live until lb_metrics_free(). */
#ifndef LYREBIRD_METRICS_H
#define LYREBIRD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lb_metrics lb_metrics;
typedef struct lb_counter lb_counter;
typedef struct lb_gauge lb_gauge;
typedef struct lb_histogram lb_histogram;

/* A new, empty registry, or NULL when out of memory. Free with lb_metrics_free(). */
lb_metrics *lb_metrics_new(void);
/* Frees the registry and every metric in it. NULL is a no-op. */
void lb_metrics_free(lb_metrics *m);

/* Registers (or finds) a metric. name must match [a-zA-Z_:][a-zA-Z0-9_:]* optionally followed
 * by a {label="value",...} set; help is copied. Returns NULL on a bad name, a name already
 * registered as another type, or no memory. The registry owns the result. */
lb_counter *lb_metrics_counter(lb_metrics *m, const char *name, const char *help);
lb_gauge *lb_metrics_gauge(lb_metrics *m, const char *name, const char *help);
/* bounds: ascending upper bounds (+Inf is implied), copied; n <= 32. NULL bounds gives the
 * default latency buckets in seconds (0.0001 .. 10). */
lb_histogram *lb_metrics_histogram(lb_metrics *m, const char *name, const char *help,
                                   const double *bounds, size_t n);

void lb_counter_add(lb_counter *c, uint64_t n);
uint64_t lb_counter_value(const lb_counter *c);
void lb_gauge_set(lb_gauge *g, double v);
void lb_gauge_add(lb_gauge *g, double delta);
double lb_gauge_value(const lb_gauge *g);
void lb_histogram_observe(lb_histogram *h, double v);
uint64_t lb_histogram_count(const lb_histogram *h);

/* Renders every metric as Prometheus text. Returns a malloc'd NUL-terminated string the
 * caller frees, and its length in *len when len is not NULL; NULL when out of memory. */
char *lb_metrics_render(lb_metrics *m, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
