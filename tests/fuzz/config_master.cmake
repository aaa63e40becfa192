postern_fuzz(config_master SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_config_master.c LIBS postern_config)
