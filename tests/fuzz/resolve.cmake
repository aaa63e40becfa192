# Recipient address resolution of lib/mail/resolve (RCPT TO input).
postern_fuzz(resolve SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_resolve.c LIBS postern_mail)
