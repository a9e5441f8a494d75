# The plugin lyrebird-lora.so: gateway bridge, network, join and application server.
lb_add_plugin(lora
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/plugin.c ${CMAKE_CURRENT_LIST_DIR}/util.c
          ${CMAKE_CURRENT_LIST_DIR}/store.c ${CMAKE_CURRENT_LIST_DIR}/registry.c
          ${CMAKE_CURRENT_LIST_DIR}/api.c ${CMAKE_CURRENT_LIST_DIR}/api_gw.c
          ${CMAKE_CURRENT_LIST_DIR}/gw/gw.c ${CMAKE_CURRENT_LIST_DIR}/ns/dedup.c
          ${CMAKE_CURRENT_LIST_DIR}/ns/ns.c ${CMAKE_CURRENT_LIST_DIR}/ns/downlink.c
          ${CMAKE_CURRENT_LIST_DIR}/ns/adr.c
          ${CMAKE_CURRENT_LIST_DIR}/js/join.c ${CMAKE_CURRENT_LIST_DIR}/as/as.c
          ${CMAKE_CURRENT_LIST_DIR}/as/queue.c ${CMAKE_CURRENT_LIST_DIR}/as/codec.c
  LIBS lb_lorawan lb_lora_region lb_semtech PkgConfig::JANSSON PkgConfig::SODIUM
       PkgConfig::SQLITE lb_codec_headers pthread m dl)
target_include_directories(lyrebird-lora PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_options(lyrebird-lora PRIVATE -Wl,--exclude-libs,ALL) # export only the entry
