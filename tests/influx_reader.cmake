# The InfluxDB reader (writers/influxdb/reader*.c): the query builder's cmocka unit test and
# libFuzzer target, both built from reader_query.c directly (a pure function, no server), the
# answer cache's unit test (reader_cache.c), and the integration test against a real influxd. Included by tests/CMakeLists.txt.
set(LB_INFLUX_QUERY_SRC ${CMAKE_SOURCE_DIR}/writers/influxdb/reader_query.c)
if(EXISTS ${LB_INFLUX_QUERY_SRC})
  lb_test(unit influx_query SOURCES unit/test_influx_query.c ${LB_INFLUX_QUERY_SRC} LIBS m)
  target_include_directories(unit_influx_query PRIVATE ${CMAKE_SOURCE_DIR}/writers/influxdb)
  lb_test(unit influx_cache SOURCES unit/test_influx_cache.c
          ${CMAKE_SOURCE_DIR}/writers/influxdb/reader_cache.c LIBS PkgConfig::JANSSON pthread)
  target_include_directories(unit_influx_cache PRIVATE ${CMAKE_SOURCE_DIR}/writers/influxdb)
  lb_fuzz(influx_query LIBS m)
  target_sources(fuzz_influx_query PRIVATE ${LB_INFLUX_QUERY_SRC})
  target_include_directories(fuzz_influx_query PRIVATE ${CMAKE_SOURCE_DIR}/writers/influxdb)
endif()
find_program(LB_INFLUXD influxd PATHS /usr/bin /usr/sbin)
if(LB_INFLUXD AND EXISTS ${CMAKE_SOURCE_DIR}/writers/influxdb/plugin.c)
  lb_shell_test(integration influx_reader integration/influx_reader.sh)
  lb_shell_test(bench reader bench/bench_reader.sh)
endif()
