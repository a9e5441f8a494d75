/* The LoRa adapter's device registry (adapters/lora/registry.c): lookups by DevEUI and by
 * DevAddr survive the tables' growth, devices sharing a DevAddr are all found (the NS tells
 * them apart by MIC), a join moves a device to its new address, and removal unlinks it from
 * both indexes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lora.h"

static lora_dev *dev(uint64_t eui, bool session, uint32_t addr)
{
    lora_dev *d = calloc(1, sizeof *d);
    d->dev_eui = eui;
    d->has_session = session;
    d->s.dev_addr = addr;
    return d;
}

static int count_addr(lora_registry *r, uint32_t addr)
{
    int n = 0;
    for (lora_dev *d = lora_registry_by_addr(r, addr, NULL); d;
         d = lora_registry_by_addr(r, addr, d))
        n++;
    return n;
}

static void lookups_survive_growth(void **state)
{
    lora_registry *r = lora_registry_new();
    for (uint64_t i = 0; i < 50000; i++)
        assert_int_equal(lora_registry_add(r, dev(0x0080000000000000ULL + i, true,
                                                  0x26000000u + (uint32_t)i)),
                         0);
    assert_int_equal(lora_registry_count(r), 50000);
    for (uint64_t i = 0; i < 50000; i += 997) {
        lora_dev *d = lora_registry_get(r, 0x0080000000000000ULL + i);
        assert_non_null(d);
        assert_ptr_equal(lora_registry_by_addr(r, 0x26000000u + (uint32_t)i, NULL), d);
    }
    assert_null(lora_registry_get(r, 0x0090000000000000ULL));
    lora_dev *dup = dev(0x0080000000000005ULL, false, 0);
    assert_int_equal(lora_registry_add(r, dup), LB_EEXIST);
    free(dup);
    lora_registry_free(r);
}

static void shared_dev_addr_finds_every_device(void **state)
{
    lora_registry *r = lora_registry_new();
    for (uint64_t i = 0; i < 3; i++)
        lora_registry_add(r, dev(i + 1, true, 0x26011BDA));
    lora_registry_add(r, dev(9, false, 0)); /* OTAA, not joined: not in the address index */
    assert_int_equal(count_addr(r, 0x26011BDA), 3);
    assert_int_equal(count_addr(r, 0), 0);
    lora_registry_readdr(r, lora_registry_get(r, 9), 0x26011BDA);
    assert_int_equal(count_addr(r, 0x26011BDA), 4);
    lora_registry_readdr(r, lora_registry_get(r, 2), 0x01020304); /* a rejoin moves it */
    assert_int_equal(count_addr(r, 0x26011BDA), 3);
    assert_int_equal(count_addr(r, 0x01020304), 1);
    lora_registry_remove(r, 1);
    assert_null(lora_registry_get(r, 1));
    assert_int_equal(count_addr(r, 0x26011BDA), 2);
    assert_int_equal(lora_registry_count(r), 3);
    lora_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookups_survive_growth),
        cmocka_unit_test(shared_dev_addr_finds_every_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
