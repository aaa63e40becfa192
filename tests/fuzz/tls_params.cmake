# TLS parameter parsers of lib/tls (protocol lists, cipher grades, levels).
postern_fuzz(tls_params SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_tls_params.c LIBS postern_tls)
