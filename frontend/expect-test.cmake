# glass86_expect_test(name label ARGS "..." EXIT n [STDOUT re] [STDERR re] [ONE_LINE_STDERR]
#                     [MAKE_FILE path MAKE_SIZE n] [CHECK_FILE path CHECK_FILE_REGEX re])
# adds a ctest test that runs build/glass86 through expect.cmake, which checks the exit
# code and the output (ctest's own PASS_REGULAR_EXPRESSION ignores the exit code).
# Included by roms/ and frontend/, so that both can add such tests.
function(glass86_expect_test name label)
  cmake_parse_arguments(T "ONE_LINE_STDERR" "ARGS;EXIT;STDOUT;STDERR;MAKE_FILE;MAKE_SIZE;CHECK_FILE;CHECK_FILE_REGEX" "" ${ARGN})
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND}
    -DGLASS86=$<TARGET_FILE:glass86> "-DARGS=${T_ARGS}" -DEXPECT_EXIT=${T_EXIT}
    "-DSTDOUT_REGEX=${T_STDOUT}" "-DSTDERR_REGEX=${T_STDERR}" -DONE_LINE_STDERR=${T_ONE_LINE_STDERR}
    "-DMAKE_FILE=${T_MAKE_FILE}" "-DMAKE_SIZE=${T_MAKE_SIZE}"
    "-DCHECK_FILE=${T_CHECK_FILE}" "-DCHECK_FILE_REGEX=${T_CHECK_FILE_REGEX}"
    -P ${CMAKE_SOURCE_DIR}/frontend/expect.cmake)
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT 60)
endfunction()

