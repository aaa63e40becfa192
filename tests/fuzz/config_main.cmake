postern_fuzz(config_main SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_config_main.c LIBS postern_config)
