postern_fuzz(alias_source SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_alias_source.c
  LIBS postern_dict)
