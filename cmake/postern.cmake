# Helper functions shared by every CMakeLists.txt in the tree:
#   postern_library(NAME SOURCES ... LIBS ...)      static library lib<NAME>
#   postern_daemon(NAME SOURCES ... LIBS ...)       -> libexec/postern/NAME
#   postern_command(NAME SOURCES ... LIBS ...)      -> sbin/NAME
#   postern_unit_test(NAME SOURCES ... LIBS ...)    cmocka test run by ctest
#   postern_fuzz(NAME SOURCES ... LIBS ...)         fuzz target (see tests/fuzz)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
pkg_check_modules(OPENSSL REQUIRED IMPORTED_TARGET openssl)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(SASL2 REQUIRED IMPORTED_TARGET libsasl2)
find_library(BDB_LIBRARY NAMES db REQUIRED)
find_path(BDB_INCLUDE_DIR db.h REQUIRED)
find_library(GDBM_LIBRARY NAMES gdbm REQUIRED)
find_path(GDBM_INCLUDE_DIR gdbm.h REQUIRED)

function(postern_library name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_link_libraries(${name} PUBLIC ${A_LIBS})
endfunction()

function(postern_daemon name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_LIBS})
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/postern)
endfunction()

function(postern_command name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_LIBS})
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
endfunction()

function(postern_unit_test name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${A_LIBS} PkgConfig::CMOCKA)
  add_test(NAME unit.${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(unit.${name} PROPERTIES LABELS unit TIMEOUT 120
    ENVIRONMENT "POSTERN_SRC=${CMAKE_SOURCE_DIR};POSTERN_BIN=${CMAKE_BINARY_DIR}/bin")
endfunction()

# A fuzz target defines LLVMFuzzerTestOneInput(). In a libFuzzer build it is
# linked with -fsanitize=fuzzer and run for a few seconds; otherwise it is
# linked with tests/fuzz/driver.c, which replays the seed corpus
# tests/fuzz/corpus/NAME/ and a bounded number of deterministic mutations.
set(POSTERN_FUZZ_SECONDS 10 CACHE STRING "Seconds each libFuzzer target runs under ctest")
function(postern_fuzz name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  set(target fuzz_${name})
  set(corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name})
  if(POSTERN_LIBFUZZER)
    add_executable(${target} ${A_SOURCES})
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz-work/${name})
    add_test(NAME fuzz.${name}
      COMMAND ${target} -max_total_time=${POSTERN_FUZZ_SECONDS} -rss_limit_mb=1024
              -timeout=10 ${CMAKE_BINARY_DIR}/fuzz-work/${name} ${corpus})
  else()
    add_executable(${target} ${A_SOURCES} ${CMAKE_SOURCE_DIR}/tests/fuzz/driver.c)
    add_test(NAME fuzz.${name} COMMAND ${target} ${corpus})
  endif()
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  target_link_libraries(${target} PRIVATE ${A_LIBS})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()
