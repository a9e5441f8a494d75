/* Prints a TCP port on 127.0.0.1 that was free a moment ago (for the shell harness). */
#include "harness.h"

#include <stdio.h>

int main(void)
{
    int port = lbt_free_port();
    if (port < 0)
        return 1;
    printf("%d\n", port);
    return 0;
}
