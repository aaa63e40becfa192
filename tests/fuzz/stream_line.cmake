# Line reader of lib/util/stream over a chunked memory transport.
postern_fuzz(stream_line SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_stream_line.c LIBS postern_util)
