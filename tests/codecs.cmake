# Payload-codec plugin tests (plugins/): unit, fuzz, bench. Included by tests/CMakeLists.txt.

# JavaScript codec (plugins/js)
if(TARGET lb_codec_js)
  lb_test(unit codec_js SOURCES unit/test_codec_js.c LIBS lb_codec_js PkgConfig::JANSSON)
  target_include_directories(unit_codec_js PRIVATE ${CMAKE_SOURCE_DIR}/plugins/js)
  lb_fuzz(codec_js LIBS lb_codec_js)
  target_include_directories(fuzz_codec_js PRIVATE ${CMAKE_SOURCE_DIR}/plugins/js)
  lb_test(bench codec_js SOURCES bench/bench_codec_js.c LIBS lb_codec_js PkgConfig::JANSSON
          TIMEOUT 600)
  target_include_directories(bench_codec_js PRIVATE ${CMAKE_SOURCE_DIR}/plugins/js)
endif()
