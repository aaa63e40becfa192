# Next hop parser of the smtp agent (transport_maps / relayhost values).
postern_fuzz(smtp_nexthop SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_smtp_nexthop.c
  LIBS postern_smtp_agent)
