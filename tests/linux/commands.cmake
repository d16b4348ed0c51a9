# Commands at the Linux guest's busybox shell, typed by a serial script, each answer
# checked against something computed here and now rather than written into the test:
#   uname -a        the kernel release and Debian version of the package the image holds
#   /proc/cpuinfo   the vendor, family, model, stepping and features glass86's p6 model
#                   reports in CPUID (read from cpu/models.c and cpu/ops_system.c)
#   dmesg           no Oops, panic, BUG or segfault anywhere in the kernel's log
#   md5sum          of a file of known content, against CMake's own MD5 of that content
#   16 MiB          busybox seq's 1..170000 sixteen times over, then md5sum and
#                   gzip -c | md5sum: the same digests as the same busybox-static binary
#                   gives on the host (gzip's 32 KiB window never sees the repeats)
#   the screen      the VGA text console (tty1) shows the same shell prompt at the end
include(${CMAKE_CURRENT_LIST_DIR}/linux_run.cmake)
linux_image(image)

# ---- What the answers must be ----
file(READ ${image}.stamp stamp)
if(NOT stamp MATCHES "linux-image-([^_/ ]+)_([^_/ ]+)_i386\\.deb")
  message(FATAL_ERROR "cannot find the kernel package in ${image}.stamp")
endif()
set(kver ${CMAKE_MATCH_1})
set(debver ${CMAKE_MATCH_2})
if(NOT stamp MATCHES "([^ ]*/busybox-static_[^ ]*\\.deb)")
  message(FATAL_ERROR "cannot find the busybox package in ${image}.stamp")
endif()
set(busybox_deb ${CMAKE_MATCH_1})

# The p6 model's CPUID: leaf 0's vendor words and leaf 1's signature and feature names.
file(READ ${SRC}/cpu/ops_system.c ops)
if(NOT ops MATCHES "gpr\\[EBX\\] = 0x([0-9A-Fa-f]+);[^\n]*\n[^\n]*gpr\\[EDX\\] = 0x([0-9A-Fa-f]+);[^\n]*\n[^\n]*gpr\\[ECX\\] = 0x([0-9A-Fa-f]+);")
  message(FATAL_ERROR "cannot find CPUID leaf 0 in cpu/ops_system.c")
endif()
set(vendor "")
foreach(word ${CMAKE_MATCH_1} ${CMAKE_MATCH_2} ${CMAKE_MATCH_3})
  foreach(shift 6 4 2 0) # little-endian: the low byte is the first character
    string(SUBSTRING ${word} ${shift} 2 hex)
    math(EXPR code "0x${hex}")
    string(ASCII ${code} ch)
    string(APPEND vendor "${ch}")
  endforeach()
endforeach()
file(READ ${SRC}/cpu/models.c models)
if(NOT models MATCHES "\\[CPU_P6\\] = {(.*)cpuid_family_model_stepping = 0x([0-9A-Fa-f]+)(.*)cpuid_features = ([^;]*);")
  message(FATAL_ERROR "cannot find the p6 model's CPUID in cpu/models.c")
endif()
math(EXPR signature "0x${CMAKE_MATCH_2}")
string(REGEX MATCHALL "CPUID_[A-Z0-9]+" features "${CMAKE_MATCH_4}")
math(EXPR family "(${signature} >> 8) & 15")
math(EXPR model "(${signature} >> 4) & 15")
math(EXPR stepping "${signature} & 15")

# A file of known content: the numbers 1 to 1000, one a line.
set(known "")
foreach(i RANGE 1 1000)
  string(APPEND known "${i}\n")
endforeach()
string(MD5 known_md5 "${known}")

# 16 MiB made by busybox seq, and its gzip, digested by the host's copy of the guest's
# busybox (a static i386 binary): the same commands as in the guest.
set(bb_dir ${WORK}/busybox-host)
file(REMOVE_RECURSE ${bb_dir})
execute_process(COMMAND dpkg-deb -x ${busybox_deb} ${bb_dir} RESULT_VARIABLE rc)
set(bb ${bb_dir}/bin/busybox)
if(NOT rc EQUAL 0 OR NOT EXISTS ${bb})
  message(FATAL_ERROR "cannot unpack ${busybox_deb}")
endif()
set(gen "seq 1 170000 > /tmp/a; for i in $(seq 16); do cat /tmp/a; done | head -c 16777216 > /tmp/big")
execute_process(COMMAND ${bb} --install -s ${bb_dir}/bin RESULT_VARIABLE rc)
string(REPLACE "/tmp/" "${bb_dir}/" host_gen "${gen}")
execute_process(COMMAND ${CMAKE_COMMAND} -E env PATH=${bb_dir}/bin
                        ${bb} sh -c "${host_gen}; md5sum < ${bb_dir}/big; gzip -c ${bb_dir}/big | md5sum"
                OUTPUT_VARIABLE host_digests RESULT_VARIABLE rc)
file(REMOVE ${bb_dir}/a ${bb_dir}/big)
if(NOT rc EQUAL 0 OR NOT host_digests MATCHES "^([0-9a-f]+)  -\n([0-9a-f]+)  -\n$")
  message(FATAL_ERROR "busybox on the host failed (${rc}): ${host_digests}")
endif()
set(big_md5 ${CMAKE_MATCH_1})
set(gz_md5 ${CMAKE_MATCH_2})

# ---- One boot ----
linux_first_prompt(script 12G)
linux_cmd(script uname "uname -a" 500M)
linux_cmd(script cpuinfo "cat /proc/cpuinfo" 500M)
# The pattern's brackets keep the words themselves out of the command's echo, which the
# whole-log check of linux_check_boot would otherwise find.
linux_cmd(script dmesg "dmesg | grep -E 'Oop[s]|Kernel pani[c]|BU[G]:|segfaul[t]|Call Trac[e]'; echo lines $(dmesg | wc -l)" 1G)
linux_cmd(script known "seq 1 1000 > /tmp/known.txt; md5sum /tmp/known.txt" 500M)
linux_cmd(script big "${gen}; wc -c < /tmp/big; md5sum < /tmp/big; gzip -c /tmp/big | md5sum" 30G)
# A write to the root disk, which --snapshot must keep out of the image.
linux_cmd(script diskwrite "seq 1 5000 > /root/snapshot-probe.txt; sync; wc -l < /root/snapshot-probe.txt" 1G)
string(APPEND script "stop\n")
file(SHA256 ${image} image_hash_before)
linux_boot(run DISK ${image} SNAPSHOT SCREEN SCRIPT script MAX 45G)
linux_expect_rc(run 0)
file(SHA256 ${image} image_hash_after)
linux_section(diskwrite_out run diskwrite)
if(NOT diskwrite_out STREQUAL "5000\n")
  message(FATAL_ERROR "the guest's write to /root gave '${diskwrite_out}'")
endif()
if(NOT image_hash_after STREQUAL image_hash_before)
  message(FATAL_ERROR "--snapshot changed the image ${image}: SHA-256 ${image_hash_before} before, "
                      "${image_hash_after} after")
endif()
linux_check_boot(run)

string(REPLACE "." "\\." kver_re "${kver}")
string(REPLACE "." "\\." debver_re "${debver}")
string(REPLACE "+" "\\+" debver_re "${debver_re}")
linux_section(uname run uname)
if(NOT uname MATCHES "^Linux [^ ]+ ${kver_re} #1 SMP .*Debian ${debver_re} .* i686 GNU/Linux\n$")
  message(FATAL_ERROR "uname -a printed '${uname}', not kernel ${kver} (${debver}) on i686")
endif()

linux_section(cpuinfo run cpuinfo)
foreach(want "vendor_id\t: ${vendor}\n" "cpu family\t: ${family}\n" "model\t\t: ${model}\n"
             "stepping\t: ${stepping}\n")
  string(FIND "${cpuinfo}" "${want}" at)
  if(at LESS 0)
    message(FATAL_ERROR "/proc/cpuinfo lacks '${want}' (glass86's p6 model):\n${cpuinfo}")
  endif()
endforeach()
if(NOT cpuinfo MATCHES "\nflags\t\t: ([^\n]*)\n")
  message(FATAL_ERROR "/proc/cpuinfo has no flags line:\n${cpuinfo}")
endif()
set(flags " ${CMAKE_MATCH_1} ")
foreach(f ${features})
  string(REPLACE "CPUID_" "" name ${f})
  string(TOLOWER ${name} name)
  # Linux's SEP erratum (arch/x86/kernel/cpu/intel.c): a P6 below family 6, model 3,
  # stepping 3 reports SEP without having it, so the kernel clears the flag.
  if(name STREQUAL "sep" AND signature LESS 0x633)
    continue()
  endif()
  if(NOT flags MATCHES " ${name} ")
    message(FATAL_ERROR "/proc/cpuinfo's flags lack '${name}' (${f} of the p6 model): ${flags}")
  endif()
endforeach()

linux_section(dmesg run dmesg)
if(NOT dmesg MATCHES "^lines ([0-9]+)\n$")
  message(FATAL_ERROR "dmesg has alarming lines:\n${dmesg}")
endif()
if(CMAKE_MATCH_1 LESS 100)
  message(FATAL_ERROR "dmesg printed only ${CMAKE_MATCH_1} lines")
endif()

linux_section(known_out run known)
if(NOT known_out STREQUAL "${known_md5}  /tmp/known.txt\n")
  message(FATAL_ERROR "md5sum of 1..1000 in the guest: '${known_out}', on the host ${known_md5}")
endif()

linux_section(big run big)
if(NOT big STREQUAL "16777216\n${big_md5}  -\n${gz_md5}  -\n")
  message(FATAL_ERROR "16 MiB in the guest gave\n${big}\nthe host's busybox:\n"
                      "16777216\n${big_md5}  -\n${gz_md5}  -")
endif()

# The VGA console: tty1's shell prompt on the text screen.
if(NOT run_screen MATCHES "(^|\n)glass86:/root#\n")
  message(FATAL_ERROR "the VGA text screen does not show the prompt:\n${run_screen}")
endif()
message(STATUS "uname, cpuinfo, dmesg, md5sum, 16 MiB gzip and the VGA console all check out "
               "(${run_insns} instructions, ${run_seconds} s)")
