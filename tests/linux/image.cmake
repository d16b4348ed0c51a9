# The fixture of the Linux tests: build (or reuse) the guest image with tools/guests/linux
# and leave its path in image-path.txt for the tests that boot it.
execute_process(COMMAND ${BUILDER} OUTPUT_VARIABLE image RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tools/guests/linux failed (${rc})")
endif()
string(REGEX REPLACE ".*\n" "" image "${image}") # the last line is the image's path
if(NOT EXISTS "${image}")
  message(FATAL_ERROR "tools/guests/linux printed '${image}', which does not exist")
endif()
file(WRITE ${WORK}/image-path.txt "${image}\n")
message(STATUS "the Linux guest image: ${image}")
