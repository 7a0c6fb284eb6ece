# How every test is declared (tests/*/CMakeLists.txt).
#
# skymesh_test(NAME SOURCES src... [LIBS lib...] [PROGRAMS target...] [TIMEOUT seconds] [LABELS label...])
#   One Catch2 binary linking skymesh_test_main (and LIBS), registered with ctest under NAME, TIMEOUT 300 s unless
#   given. PROGRAMS are executables of build/bin the test starts (serverlets, meshctl): they are built first and
#   SKYMESH_BIN_DIR tells the test where they are.
function(skymesh_test name)
  cmake_parse_arguments(arg "" "TIMEOUT" "SOURCES;LIBS;PROGRAMS;LABELS" ${ARGN})
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "skymesh_test(${name}): unexpected ${arg_UNPARSED_ARGUMENTS}")
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE skymesh_test_main ${arg_LIBS})
  skymesh_target_defaults(${name})
  if(arg_PROGRAMS)
    target_compile_definitions(${name} PRIVATE SKYMESH_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
    add_dependencies(${name} ${arg_PROGRAMS})
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${arg_TIMEOUT})
  if(arg_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${arg_LABELS}")
  endif()
endfunction()
