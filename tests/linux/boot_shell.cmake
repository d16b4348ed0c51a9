# Build (or reuse) the Linux guest image, boot it headless with an instruction bound, and
# check the serial console: the kernel came up, busybox's shell prompt appeared, and the
# log has no oops, panic or BUG. glass86 runs with --snapshot, so the image never changes.
execute_process(COMMAND ${BUILDER} OUTPUT_VARIABLE image RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tools/guests/linux failed (${rc})")
endif()
string(REGEX REPLACE ".*\n" "" image "${image}") # the last line is the image's path
set(console ${WORK}/linux-console.txt)
file(REMOVE ${console})
execute_process(COMMAND ${GLASS86} --hda ${image} --snapshot --display none --debugcon none
                        --serial file:${console} --max-instructions 8G
                RESULT_VARIABLE rc ERROR_VARIABLE err)
file(READ ${console} log)
foreach(want "Linux version 6\\.1\\.[0-9]+-[0-9]+-686" "Run /init as init process"
             "glass86: root file system mounted on /root" "glass86: Linux 6\\.1" "glass86:/root# ")
  if(NOT log MATCHES "${want}")
    message(FATAL_ERROR "the serial console never showed '${want}' (glass86 exit ${rc}: ${err})\n"
                        "see ${console}")
  endif()
endforeach()
foreach(bad "Oops" "Kernel panic" "BUG:" "segfault at")
  if(log MATCHES "${bad}")
    message(FATAL_ERROR "the kernel log has '${bad}': see ${console}")
  endif()
endforeach()
message(STATUS "Linux booted to the busybox shell prompt")
