# Helpers shared by the Linux tests (included by their -P scripts): find the guest image
# that the linux-image fixture built, and boot it headless with a serial script, the RTC
# at a fixed date and an instruction bound, so that every run is the same.

# The image's path, written by image.cmake (the fixture test linux-image).
function(linux_image out)
  if(NOT EXISTS ${WORK}/image-path.txt)
    message(FATAL_ERROR "no ${WORK}/image-path.txt: the linux-image test builds it")
  endif()
  file(READ ${WORK}/image-path.txt image)
  string(STRIP "${image}" image)
  set(${out} ${image} PARENT_SCOPE)
endfunction()

# A private copy of the image in the build tree, for tests whose guest writes to its disk.
function(linux_image_copy out name)
  linux_image(image)
  set(copy ${WORK}/${name}.img)
  file(REMOVE ${copy})
  file(COPY_FILE ${image} ${copy})
  set(${out} ${copy} PARENT_SCOPE)
endfunction()

# linux_boot(<prefix> DISK <img> SCRIPT <var> [SNAPSHOT] [SCREEN] [MAX n] [TERM_ON text])
# Boots with the serial script in the variable <var> (passed by name: a script has
# semicolons, which CMake's argument lists would split; written to <prefix>.script), COM1's output in
# <prefix>-console.txt. Sets in the caller: <prefix>_rc (glass86's exit status),
# <prefix>_err (its stderr), <prefix>_log (the serial log, LF line ends), <prefix>_insns (instructions
# retired, from --stats), <prefix>_seconds (host seconds), and with SCREEN
# <prefix>_screen (the VGA text screen at the end). With TERM_ON, glass86 gets SIGTERM as
# soon as the serial log shows that text.
function(linux_boot prefix)
  cmake_parse_arguments(B "SNAPSHOT;SCREEN" "DISK;SCRIPT;MAX;TERM_ON" "" ${ARGN})
  if(NOT B_MAX)
    set(B_MAX 20G)
  endif()
  set(base ${WORK}/${prefix})
  file(WRITE ${base}.script "${${B_SCRIPT}}")
  file(REMOVE ${base}-console.txt ${base}-screen.txt)
  set(args --hda ${B_DISK} --display none --debugcon none --rtc-base 2024-01-01T12:00:00
           --serial file:${base}-console.txt --serial-script ${base}.script
           --max-instructions ${B_MAX} --stats)
  if(B_SNAPSHOT)
    list(APPEND args --snapshot)
  endif()
  if(B_SCREEN)
    list(APPEND args --screen-dump ${base}-screen.txt)
  endif()
  set(driver "")
  if(B_TERM_ON)
    set(driver ${CMAKE_CURRENT_LIST_DIR}/term_on_marker.sh ${base}-console.txt "${B_TERM_ON}")
  endif()
  execute_process(COMMAND ${driver} ${GLASS86} ${args} RESULT_VARIABLE rc ERROR_VARIABLE err
                  OUTPUT_QUIET)
  file(WRITE ${base}-stderr.txt "${err}")
  set(log "")
  if(EXISTS ${base}-console.txt)
    file(READ ${base}-console.txt log)
    string(REPLACE "\r" "" log "${log}") # the tty's CR LF line ends, as plain LF
  endif()
  set(insns "")
  set(seconds "")
  if(err MATCHES "glass86: ([0-9]+) instructions in ([0-9.]+) s")
    set(insns ${CMAKE_MATCH_1})
    set(seconds ${CMAKE_MATCH_2})
  endif()
  message(STATUS "${prefix}: exit ${rc}, ${insns} instructions, ${seconds} s")
  set(${prefix}_rc ${rc} PARENT_SCOPE)
  set(${prefix}_err "${err}" PARENT_SCOPE)
  set(${prefix}_log "${log}" PARENT_SCOPE)
  set(${prefix}_insns "${insns}" PARENT_SCOPE)
  set(${prefix}_seconds "${seconds}" PARENT_SCOPE)
  if(B_SCREEN AND EXISTS ${base}-screen.txt)
    file(READ ${base}-screen.txt screen)
    set(${prefix}_screen "${screen}" PARENT_SCOPE)
  endif()
endfunction()

# Fail unless the run ended the way the script wanted.
function(linux_expect_rc prefix want)
  if(NOT "${${prefix}_rc}" STREQUAL "${want}")
    message(FATAL_ERROR "${prefix}: glass86 exited with ${${prefix}_rc}, not ${want}:\n"
                        "${${prefix}_err}\nsee ${WORK}/${prefix}-console.txt")
  endif()
endfunction()

# The boot itself went well: the kernel came up, the root file system was mounted, the
# shell prompt appeared and the kernel said nothing alarming.
function(linux_check_boot prefix)
  set(log "${${prefix}_log}")
  foreach(want "Linux version 6\\.1\\.[0-9]+-[0-9]+-686" "Run /init as init process"
               "glass86: root file system mounted on /root" "glass86: Linux 6\\.1" "glass86:/root# ")
    if(NOT log MATCHES "${want}")
      message(FATAL_ERROR "${prefix}: the serial console never showed '${want}' "
                          "(glass86 exit ${${prefix}_rc}: ${${prefix}_err})\n"
                          "see ${WORK}/${prefix}-console.txt")
    endif()
  endforeach()
  foreach(bad "Oops" "Kernel panic" "BUG:" "segfault at" "Call Trace")
    if(log MATCHES "${bad}")
      message(FATAL_ERROR "${prefix}: the console has '${bad}': see ${WORK}/${prefix}-console.txt")
    endif()
  endforeach()
endfunction()

# What the guest printed between the lines "<<NAME" and "NAME>>" (the markers are echoed
# as "<<""NAME" so that the command line's echo does not contain them).
function(linux_section out prefix name)
  set(log "${${prefix}_log}")
  string(FIND "${log}" "<<${name}\n" a)
  string(FIND "${log}" "\n${name}>>" b)
  if(a LESS 0 OR b LESS a)
    message(FATAL_ERROR "${prefix}: no section ${name} in ${WORK}/${prefix}-console.txt")
  endif()
  string(LENGTH "<<${name}\n" skip)
  math(EXPR a "${a} + ${skip}")
  math(EXPR len "${b} - ${a} + 1")
  string(SUBSTRING "${log}" ${a} ${len} text)
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Script text that runs CMD in the guest's shell between section markers NAME (see
# linux_section) and waits for its end and the next prompt, within LIMIT instructions.
function(linux_cmd out name cmd limit)
  set(${out} "${${out}}expect-timeout ${limit}\nsend echo \"<<\"${name}; ${cmd}; echo ${name}\">>\"\\n\nexpect ${name}>>\nexpect \"glass86:/root# \"\n" PARENT_SCOPE)
endfunction()

# Script text that waits for the first prompt (the boot: within LIMIT instructions) and
# keeps the kernel's messages off the console from then on, so that they cannot land in
# the middle of a command's output.
function(linux_first_prompt out limit)
  set(${out} "expect-timeout ${limit}\nexpect \"glass86:/root# \"\nexpect-timeout 200M\nsend dmesg -n 1\\n\nexpect \"glass86:/root# \"\n" PARENT_SCOPE)
endfunction()
