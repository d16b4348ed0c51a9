# One debugger test: cmake -P run_script.cmake with
#   -DGLASS86=path -DGUEST=rom -DSCRIPT=commands -DEXPECTED=file -DWORKDIR=dir
#   [-DEXTRA="more glass86 arguments"] [-DEXPECT_EXIT=n (default 0)]
#   [-DCHECK_FILE=written -DCHECK_EXPECTED=file]   a file the session writes (trace on FILE)
# runs `glass86 --bios GUEST --display none --debug-script SCRIPT` in WORKDIR with no
# other input, and compares its stdout with EXPECTED line for line. Runs are
# deterministic, so the comparison is exact; on a difference the actual output is left
# next to it as NAME.actual and the diff is printed.
if(NOT DEFINED EXPECT_EXIT)
  set(EXPECT_EXIT 0)
endif()
get_filename_component(name ${EXPECTED} NAME_WE)
separate_arguments(extra UNIX_COMMAND "${EXTRA}")
execute_process(COMMAND ${GLASS86} --bios ${GUEST} --display none
    --debugcon ${WORKDIR}/${name}.debugcon --debug-script ${SCRIPT} ${extra}
  WORKING_DIRECTORY ${WORKDIR} INPUT_FILE /dev/null
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)

function(compare actual_text expected_file label)
  file(READ ${expected_file} want)
  if(NOT actual_text STREQUAL want)
    file(WRITE ${WORKDIR}/${label}.actual "${actual_text}")
    execute_process(COMMAND diff -u ${expected_file} ${WORKDIR}/${label}.actual
      OUTPUT_VARIABLE d)
    message("--- ${label}: differences (expected, actual) ---\n${d}")
    set(failed TRUE PARENT_SCOPE)
  endif()
endfunction()

set(failed FALSE)
compare("${out}" ${EXPECTED} ${name})
if(CHECK_FILE)
  if(EXISTS ${CHECK_FILE})
    file(READ ${CHECK_FILE} written)
  else()
    set(written "(${CHECK_FILE} was not written)\n")
  endif()
  get_filename_component(cname ${CHECK_EXPECTED} NAME_WE)
  compare("${written}" ${CHECK_EXPECTED} ${cname})
endif()
if(NOT rc STREQUAL EXPECT_EXIT)
  message("exit code ${rc}, expected ${EXPECT_EXIT}")
  set(failed TRUE)
endif()
if(failed)
  message("--- stderr ---\n${err}")
  message(FATAL_ERROR "${name}: the debugger's output differs")
endif()
