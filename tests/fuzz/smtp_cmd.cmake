postern_fuzz(smtp_cmd SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_smtp_cmd.c LIBS postern_smtp)
