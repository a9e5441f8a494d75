# The LoRa adapter end to end (the plugin, the simulator, nats-server, curl).
lb_shell_test(integration lora_e2e integration/lora_e2e.sh)

# Benchmark: uplinks/s, latency, confirmed ACKs in RX1, a million devices.
add_executable(bench_lora_fill bench/bench_lora_fill.c ${CMAKE_SOURCE_DIR}/adapters/lora/store.c
               ${CMAKE_SOURCE_DIR}/adapters/lora/util.c)
target_include_directories(bench_lora_fill PRIVATE ${CMAKE_SOURCE_DIR}/adapters/lora)
target_link_libraries(bench_lora_fill PRIVATE lyrebird lb_lorawan lb_lora_region lb_semtech
                      PkgConfig::JANSSON PkgConfig::SODIUM PkgConfig::SQLITE pthread)
lb_shell_test(bench lora bench/bench_lora.sh)

# ADR decisions (one module, cmocka).
lb_test(unit lora_adr SOURCES unit/test_lora_adr.c ${CMAKE_SOURCE_DIR}/adapters/lora/ns/adr.c
        LIBS lb_lorawan lb_lora_region lb_semtech PkgConfig::JANSSON m)
target_include_directories(unit_lora_adr PRIVATE ${CMAKE_SOURCE_DIR}/adapters/lora)
lb_test(unit lora_registry SOURCES unit/test_lora_registry.c
        ${CMAKE_SOURCE_DIR}/adapters/lora/registry.c LIBS lb_lorawan lb_lora_region lb_semtech
        PkgConfig::JANSSON)
target_include_directories(unit_lora_registry PRIVATE ${CMAKE_SOURCE_DIR}/adapters/lora)
lb_shell_test(integration lora_codecs integration/lora_codecs.sh)
