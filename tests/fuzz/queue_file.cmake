# Fuzz target for the queue file reader (lib/queue/qfile*.c).
postern_fuzz(queue_file SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_queue_file.c LIBS postern_queue)
