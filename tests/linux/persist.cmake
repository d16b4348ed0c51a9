# Guest writes reach the disk image, on a private copy of it in the build tree (never the
# cached image, and without --snapshot):
#   boot 1  writes a file, syncs, remounts the root file system read-only and powers the
#           PC off (ACPI S5): glass86 must end with status 0. With ACPI_POWEROFF off (the
#           board has no ACPI yet) the script stops the run instead.
#   boot 2  finds the file, writes a second one, syncs, prints a marker; glass86 gets
#           SIGTERM as soon as the marker is in the serial log.
#   host    reads both files back from the image's ext4 partition with debugfs, and
#           e2fsck -fn finds no error in the file system.
include(${CMAKE_CURRENT_LIST_DIR}/linux_run.cmake)
linux_image_copy(disk persist)

# ---- Boot 1: write, sync, power off ----
linux_first_prompt(script 12G)
linux_cmd(script write "echo poweroff-$((6*7)) > /root/persist-poweroff.txt; sync; mount -o remount,ro /root; grep -c 'sda2 /root ext4 ro' /proc/mounts" 1G)
if(ACPI_POWEROFF)
  string(APPEND script "send poweroff -f\\n\nexpect-timeout 1G\nexpect \"reboot: Power down\"\n")
else()
  string(APPEND script "stop\n")
endif()
linux_boot(first DISK ${disk} SCRIPT script MAX 12G)
linux_expect_rc(first 0)
linux_check_boot(first)
linux_section(ro first write)
if(NOT ro STREQUAL "1\n")
  message(FATAL_ERROR "boot 1: /root was not remounted read-only ('${ro}')")
endif()
if(ACPI_POWEROFF AND NOT first_err MATCHES "glass86: guest powered off")
  message(FATAL_ERROR "boot 1: glass86 did not report the power-off:\n${first_err}")
endif()

# ---- Boot 2: the file is there; write another, sync, SIGTERM ----
linux_first_prompt(script 12G)
linux_cmd(script read "cat /root/persist-poweroff.txt" 500M)
linux_cmd(script synced "echo sigterm-$((6*7)) > /root/persist-sigterm.txt; sync" 1G)
linux_boot(second DISK ${disk} SCRIPT script MAX 12G TERM_ON "synced>>")
linux_check_boot(second)
linux_section(read second read)
if(NOT read STREQUAL "poweroff-42\n")
  message(FATAL_ERROR "boot 2 read '${read}' from the file boot 1 wrote")
endif()
if(NOT second_rc EQUAL 143 OR NOT second_err MATCHES "glass86: terminated; disk writes flushed")
  message(FATAL_ERROR "boot 2: glass86 was not stopped by SIGTERM (exit ${second_rc}):\n"
                      "${second_err}")
endif()

# ---- The host's view of the image ----
# The root file system is the second primary partition: its start and size in sectors are
# the little-endian words at +8 and +12 of the MBR's second entry (offset 446 + 16).
file(READ ${disk} entry OFFSET 462 LIMIT 16 HEX)
foreach(field start:16 count:24)
  string(REPLACE ":" ";" field ${field})
  list(GET field 0 name)
  list(GET field 1 at)
  set(value "")
  foreach(k 6 4 2 0)
    math(EXPR pos "${at} + ${k}")
    string(SUBSTRING ${entry} ${pos} 2 byte)
    string(APPEND value ${byte})
  endforeach()
  math(EXPR ${name} "0x${value}")
endforeach()
set(part ${WORK}/persist-root.ext4)
file(REMOVE ${part})
execute_process(COMMAND dd if=${disk} of=${part} bs=512 skip=${start} count=${count} status=none
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dd could not extract the root partition (sectors ${start}+${count})")
endif()
foreach(pair "persist-poweroff.txt:poweroff-42" "persist-sigterm.txt:sigterm-42")
  string(REPLACE ":" ";" pair ${pair})
  list(GET pair 0 name)
  list(GET pair 1 want)
  execute_process(COMMAND debugfs -R "cat /${name}" ${part} OUTPUT_VARIABLE got
                  ERROR_VARIABLE debugfs_err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT got STREQUAL "${want}\n")
    message(FATAL_ERROR "debugfs read '${got}' from /${name} in the image, not '${want}' "
                        "(${rc}: ${debugfs_err})")
  endif()
endforeach()
# -n: look, change nothing. The journal of a file system that was mounted when glass86
# stopped is not replayed (e2fsck says so); what is on the disk must be consistent as it is.
execute_process(COMMAND e2fsck -fn ${part} OUTPUT_VARIABLE fsck ERROR_VARIABLE fsck_err
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "e2fsck -fn found errors (exit ${rc}):\n${fsck}${fsck_err}")
endif()
if(ACPI_POWEROFF)
  set(how "ACPI power-off")
else()
  set(how "a scripted stop (ACPI power-off left out)")
endif()
message(STATUS "files written before ${how} and before SIGTERM are in the image; e2fsck is "
               "clean (${first_insns} + ${second_insns} instructions, ${first_seconds} s + "
               "${second_seconds} s)")
