postern_fuzz(virtual_keys SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_virtual_keys.c LIBS postern_virtual)
