postern_fuzz(forward SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_forward.c LIBS postern_local)
