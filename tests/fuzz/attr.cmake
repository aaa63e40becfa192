# Attribute protocol decoder of lib/ipc (whole frames and chunked streams).
postern_fuzz(attr SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_attr.c LIBS postern_ipc)
