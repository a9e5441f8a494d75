# The Cayenne LPP codec plugin (plugins/cayennelpp): cmocka unit test and libFuzzer target,
# both linking the static build of the plugin. Included by tests/CMakeLists.txt.
if(TARGET lb_codec_cayennelpp)
  lb_test(unit codec_cayennelpp SOURCES unit/test_codec_cayennelpp.c LIBS lb_codec_cayennelpp)
  lb_fuzz(cayennelpp LIBS lb_codec_cayennelpp PkgConfig::JANSSON)
endif()
