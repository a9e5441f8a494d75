# Tests of adapters/lora/lorawan (lb_lorawan): unit tests against published vectors, a
# libFuzzer target for the frame decoder, and a benchmark of MIC checks and FRMPayload
# decryption. include()d at the end of tests/CMakeLists.txt.
if(TARGET lb_lorawan)
  lb_test(unit lorawan_crypto SOURCES unit/test_lorawan_crypto.c LIBS lb_lorawan)
  lb_test(unit lorawan_frame SOURCES unit/test_lorawan_frame.c LIBS lb_lorawan)
  lb_test(unit lorawan_data SOURCES unit/test_lorawan_data.c LIBS lb_lorawan)
  lb_test(unit lorawan_join SOURCES unit/test_lorawan_join.c LIBS lb_lorawan)
  lb_fuzz(lorawan_frame LIBS lb_lorawan)
  lb_test(bench lorawan SOURCES bench/bench_lorawan.c LIBS lb_lorawan TIMEOUT 600)
endif()
