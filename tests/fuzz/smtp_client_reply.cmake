# Reply reader and EHLO keyword parser of lib/smtp_client (server input).
postern_fuzz(smtp_client_reply SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_smtp_client_reply.c
  LIBS postern_smtp_client)
