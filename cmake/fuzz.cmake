# skymesh_fuzz_target(NAME SOURCE LIBS...)
# SOURCE defines LLVMFuzzerTestOneInput. Always builds NAME_corpus_test, which feeds every file of
# tests/fuzz/corpus/NAME/ to it and is registered with ctest; with SKYMESH_FUZZ=ON (clang) also builds the
# libFuzzer binary NAME_fuzz.
function(skymesh_fuzz_target name source)
  set(libs ${ARGN})
  add_executable(${name}_corpus_test ${source} ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus_runner.cpp)
  target_link_libraries(${name}_corpus_test PRIVATE ${libs})
  skymesh_target_defaults(${name}_corpus_test)
  add_test(NAME fuzz_corpus_${name}
           COMMAND ${name}_corpus_test ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
  if(SKYMESH_FUZZ)
    add_executable(${name}_fuzz ${source})
    target_compile_options(${name}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name}_fuzz PRIVATE ${libs})
  endif()
endfunction()
