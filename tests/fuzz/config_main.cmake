postern_fuzz(config_main SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_config_main.c
  LIBS postern_postconf_edit postern_config)
target_include_directories(fuzz_config_main PRIVATE ${CMAKE_SOURCE_DIR}/cli/postconf)
