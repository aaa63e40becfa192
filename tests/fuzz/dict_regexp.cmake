postern_fuzz(dict_regexp SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_dict_regexp.c LIBS postern_dict)
