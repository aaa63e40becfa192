# SMTP AUTH exchanges in the smtpd engine (fake SASL backend).
postern_fuzz(smtp_auth SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_smtp_auth.c LIBS postern_smtpd)
