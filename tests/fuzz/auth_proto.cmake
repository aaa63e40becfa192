# The auth service's reader of the Dovecot authentication protocol.
postern_fuzz(auth_proto SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_auth_proto.c LIBS postern_auth)
