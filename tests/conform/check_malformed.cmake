# ctest conform-malformed: run glass86-conform on the damaged fixtures plus one good file.
# Each damaged file must give exactly one "error: FILE: offset N ..." line, the good file
# must still be run, and the runner must end normally with status 1 (not crash).
# Usage: cmake -DRUNNER=... -DFIXTURES=... -P check_malformed.cmake
set(bad badlength.MOO.gz badram.MOO.gz empty.MOO.gz garbage.MOO.gz notgzip.MOO.gz
        shortfile.MOO.gz truncated.MOO.gz truncated.json)
set(files)
foreach(f IN LISTS bad)
  list(APPEND files ${FIXTURES}/malformed/${f})
endforeach()
list(APPEND files ${FIXTURES}/valid/8086/F6.6.MOO.gz) # last: the run must get this far
execute_process(COMMAND ${RUNNER} --cpu 8086 --threads 3 ${files}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT rc STREQUAL "1")
  message(FATAL_ERROR "expected exit status 1, got '${rc}' (a crash shows as a signal name)\n${err}")
endif()
foreach(f IN LISTS bad)
  string(REGEX MATCHALL "error: [^\n]*/${f}: offset [0-9]+ \\(0x[0-9a-f]+\\)[^\n]*" hits "${out}")
  list(LENGTH hits n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected one error line with an offset for ${f}, found ${n}")
  endif()
endforeach()
if(NOT out MATCHES "\nF6\\.6 +div +[0-9]+ passed +[0-9]+ failed")
  message(FATAL_ERROR "the good file was not run after the bad ones")
endif()
if(NOT out MATCHES "error: 8 of 9 files could not be read\n[0-9]+ passed, [0-9]+ failed\n$")
  message(FATAL_ERROR "missing the error count or the final totals line")
endif()
