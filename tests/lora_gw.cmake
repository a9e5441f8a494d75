# Tests of the LoRaWAN adapter's gateway protocol (adapters/lora/gw: Semtech UDP) and regional
# parameters (adapters/lora/region). include()d from tests/CMakeLists.txt.
lb_test(unit semtech SOURCES unit/test_semtech.c LIBS lb_semtech)
lb_test(unit region SOURCES unit/test_region.c LIBS lb_lora_region)

lb_fuzz(semtech LIBS lb_semtech)

# PUSH_DATA parses per second (label bench; prints, fails only on a wrong parse)
add_executable(bench_semtech bench/bench_semtech.c)
target_link_libraries(bench_semtech PRIVATE lb_semtech)
add_test(NAME bench.semtech COMMAND bench_semtech)
set_tests_properties(bench.semtech PROPERTIES LABELS bench TIMEOUT 600)
