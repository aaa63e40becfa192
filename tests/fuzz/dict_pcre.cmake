postern_fuzz(dict_pcre SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_dict_pcre.c LIBS postern_dict)
