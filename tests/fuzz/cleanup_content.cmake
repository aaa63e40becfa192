# cleanup's content splitter and header completion (chunks split anywhere),
# and the address-list extractor used by sendmail -t.
postern_fuzz(cleanup_content SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_cleanup_content.c LIBS postern_cleanup)
