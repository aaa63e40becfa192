postern_fuzz(dict_inline SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_dict_inline.c LIBS postern_dict)
