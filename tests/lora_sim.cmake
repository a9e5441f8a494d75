# The LoRaWAN simulator (adapters/lora/sim): its device side and options as a cmocka unit
# test (compiled from the simulator's own sources), its command line as a shell test, and a
# run against lbt_udp_sink, a Semtech UDP server that acknowledges everything and can answer
# uplinks with downlinks (a stand-in network server for the gateway side).
set(LB_SIM_SRC ${CMAKE_SOURCE_DIR}/adapters/lora/sim)
lb_test(unit lora_sim SOURCES unit/test_lora_sim.c ${LB_SIM_SRC}/sim_device.c
        ${LB_SIM_SRC}/sim_opts.c LIBS lb_lorawan lb_lora_region lb_semtech)
target_include_directories(unit_lora_sim PRIVATE ${LB_SIM_SRC} ${LB_SIM_SRC}/..)

add_executable(lbt_udp_sink harness/lbt_udp_sink.c)
target_include_directories(lbt_udp_sink PRIVATE ${CMAKE_SOURCE_DIR}/adapters/lora)
target_link_libraries(lbt_udp_sink PRIVATE lb_semtech lb_lorawan lb_lora_region)

lb_shell_test(integration lora_sim_cli integration/lora_sim_cli.sh)
lb_shell_test(integration lora_sim_sink integration/lora_sim_sink.sh)
