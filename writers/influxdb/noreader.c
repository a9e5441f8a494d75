/* Stand-in for the reader (reader*.c) while it is not in the tree: no routes. Built only when
 * no reader*.c exists (see CMakeLists.txt). */
#include "influx.h"

#include <stdlib.h>

struct influx_reader {
    int unused;
};

influx_reader *influx_reader_new(const lb_host *host, const influx_target *t)
{
    return calloc(1, sizeof(influx_reader));
}

void influx_reader_free(influx_reader *r)
{
    free(r);
}
