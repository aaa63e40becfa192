postern_fuzz(alias_value SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_alias_value.c LIBS postern_local)
