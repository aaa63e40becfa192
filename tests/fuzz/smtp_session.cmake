postern_fuzz(smtp_session SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_smtp_session.c
  LIBS postern_smtpd)
