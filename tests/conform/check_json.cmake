# ctest conform-json: the same tests as MOO and as JSON must give the same report (every
# difference and state under --verbose), whatever the CPU core gets right today. The 286
# pair also checks that a JSON file takes its run rules from metadata.json's "cpu".
# Usage: cmake -DRUNNER=... -DFIXTURES=... -P check_json.cmake
function(run_pair cpu moo json total)
  foreach(kind moo json)
    execute_process(COMMAND ${RUNNER} --cpu ${cpu} --verbose --list-failures ${${kind}}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out_${kind} ERROR_VARIABLE err)
    if(NOT rc MATCHES "^[01]$")
      message(FATAL_ERROR "${${kind}}: exit status '${rc}'\n${err}")
    endif()
  endforeach()
  # The FAIL lines name the file; everything else must be byte for byte the same.
  string(REPLACE "${json}" "${moo}" out_json "${out_json}")
  if(NOT out_moo STREQUAL out_json)
    message(FATAL_ERROR "MOO and JSON reports differ:\n--- ${moo}\n${out_moo}\n--- ${json}\n${out_json}")
  endif()
  if(NOT out_moo MATCHES "\n([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?\n$")
    message(FATAL_ERROR "no totals line:\n${out_moo}")
  endif()
  math(EXPR n "${CMAKE_MATCH_1} + ${CMAKE_MATCH_2} + 0${CMAKE_MATCH_4}")
  if(NOT n EQUAL ${total})
    message(FATAL_ERROR "${moo}: ${n} tests counted, expected ${total}:\n${out_moo}")
  endif()
  message("${out_moo}")
endfunction()

run_pair(8086 ${FIXTURES}/valid/8086/F6.6.MOO.gz ${FIXTURES}/valid/8086/F6.6.json 6)
run_pair(286 ${FIXTURES}/valid/286/F7.6.MOO.gz ${FIXTURES}/valid/286/F7.6.json.gz 6)
