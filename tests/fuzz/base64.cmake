postern_fuzz(base64 SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_base64.c LIBS postern_util)
