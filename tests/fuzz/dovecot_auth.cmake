# Dovecot authentication protocol reader of lib/sasl (handshake and answers).
postern_fuzz(dovecot_auth SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_dovecot_auth.c LIBS postern_sasl)
