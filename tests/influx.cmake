# The InfluxDB writer's tests (writers/influxdb): line protocol and spill file units, line.c's
# libFuzzer target, the delivery rules of writer.c (with http.c) against a fake InfluxDB in
# the test process, and the writer end to end against a real influxd.
lb_test(unit influx_line SOURCES unit/test_influx_line.c LIBS influx_core)
lb_test(unit influx_spill SOURCES unit/test_influx_spill.c LIBS influx_core)
# any bytes as a message (content type and envelope picked by the first two bytes)
lb_fuzz(influx_line LIBS influx_core)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
lb_test(unit influx_writer
  SOURCES unit/test_influx_writer.c ${CMAKE_SOURCE_DIR}/writers/influxdb/writer.c
          ${CMAKE_SOURCE_DIR}/writers/influxdb/http.c
  LIBS influx_core PkgConfig::CURL PkgConfig::JANSSON PkgConfig::ZLIB pthread TIMEOUT 60)
lb_shell_test(integration influx_writer integration/influx_writer.sh)
# The writer's throughput from the bus into influxd against curl posting the same points in
# 5,000-line batches (label bench); lbt_bus_flood publishes SenML straight on the bus.
add_executable(lbt_bus_flood bench/bus_flood.c)
target_link_libraries(lbt_bus_flood PRIVATE lbtest)
lb_shell_test(bench influx bench/bench_influx.sh)
