# The headline boot test: Debian 12's unmodified i386 kernel and busybox, built from
# Debian's packages by tools/guests/linux, booted headless by SeaBIOS and SYSLINUX from an
# IDE disk to the busybox shell on the serial console, twice. Both runs must show the
# kernel, the root file system and the prompt, answer one command, and be the same run:
# the same serial output byte for byte and the same number of instructions retired.
# glass86 runs with --snapshot, so the image never changes.
include(${CMAKE_CURRENT_LIST_DIR}/linux_run.cmake)
linux_image(image)

linux_first_prompt(script 12G)
linux_cmd(script release "uname -r" 500M)
string(APPEND script "stop\n")

foreach(run boot1 boot2)
  linux_boot(${run} DISK ${image} SNAPSHOT SCRIPT script)
  linux_expect_rc(${run} 0)
  linux_check_boot(${run})
  linux_section(release ${run} release)
  if(NOT release MATCHES "^6\\.1\\.[0-9]+-[0-9]+-686\n$")
    message(FATAL_ERROR "${run}: uname -r printed '${release}'")
  endif()
  if(NOT "${${run}_err}" MATCHES "serial script stopped the run after ([0-9]+) instructions")
    message(FATAL_ERROR "${run}: glass86 did not say where the script stopped it:\n${${run}_err}")
  endif()
  set(${run}_stop ${CMAKE_MATCH_1})
endforeach()

# Determinism: nothing in a run may depend on the host (wall-clock time, scheduling).
if(NOT boot1_insns STREQUAL boot2_insns OR NOT boot1_stop STREQUAL boot2_stop)
  message(FATAL_ERROR "two runs retired different instruction counts: "
                      "${boot1_insns} and ${boot2_insns}")
endif()
if(NOT boot1_log STREQUAL boot2_log)
  message(FATAL_ERROR "two runs printed different serial output: compare "
                      "${WORK}/boot1-console.txt and ${WORK}/boot2-console.txt")
endif()
message(STATUS "Linux booted to the busybox shell twice, identically: ${boot1_insns} "
               "instructions (${boot1_seconds} s and ${boot2_seconds} s)")
