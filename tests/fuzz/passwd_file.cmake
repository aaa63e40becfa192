# The passwd-file parser of lib/passdb (the auth service's user database).
postern_fuzz(passwd_file SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_passwd_file.c LIBS postern_passdb)
