postern_fuzz(postmap_source SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_postmap_source.c
  LIBS postern_dict)
