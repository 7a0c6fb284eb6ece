# skymesh_target_defaults(TARGET): warnings, sanitizers and includes every skymesh target shares.
function(skymesh_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(SKYMESH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(SKYMESH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_definitions(SKYMESH_SANITIZE_BUILD)
  add_link_options(-fsanitize=address,undefined)
endif()
