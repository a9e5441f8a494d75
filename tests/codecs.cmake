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

# The LoRaWAN decoder corpus (tests/codecs/): the duktape runner, and the acceptance test that
# compares it with the Node.js reference example by example (>= 98 % of Node's passes).
if(TARGET lb_codec_js)
  add_executable(codec_corpus codecs/run_corpus.c)
  target_link_libraries(codec_corpus PRIVATE lb_codec_js PkgConfig::JANSSON m)
  target_include_directories(codec_corpus PRIVATE ${CMAKE_SOURCE_DIR}/plugins/js)
  target_compile_definitions(codec_corpus PRIVATE
                             LB_CODEC_CORPUS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/codecs/corpus")
  add_test(NAME integration.codec_corpus
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/codecs/corpus_test.sh)
  set(codec_corpus_timeout 120)
  if(LB_SANITIZE)
    set(codec_corpus_timeout 600)
  endif()
  set_tests_properties(integration.codec_corpus PROPERTIES LABELS integration
    TIMEOUT ${codec_corpus_timeout}
    ENVIRONMENT "LB_CODEC_CORPUS=$<TARGET_FILE:codec_corpus>;LB_SRC=${CMAKE_SOURCE_DIR}")
endif()
