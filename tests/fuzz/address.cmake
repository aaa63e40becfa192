postern_fuzz(address SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_address.c LIBS postern_mail)
