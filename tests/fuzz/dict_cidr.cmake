postern_fuzz(dict_cidr SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_dict_cidr.c LIBS postern_dict)
