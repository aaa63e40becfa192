postern_fuzz(maildir_name SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_maildir_name.c LIBS postern_maildir)
