# anvil's request handling (frames from a client through the protocol to the table).
postern_fuzz(anvil SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_anvil.c LIBS postern_anvil_core)
