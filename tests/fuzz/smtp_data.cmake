postern_fuzz(smtp_data SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_smtp_data.c LIBS postern_smtp)
