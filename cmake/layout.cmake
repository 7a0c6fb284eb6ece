# skymesh_add_child_directories(): adds every folder beside the calling CMakeLists.txt that has a CMakeLists.txt
# of its own, so a new serverlet, tool or benchmark joins the build by existing (services/, tools/, bench/).
function(skymesh_add_child_directories)
  file(GLOB children LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/*)
  foreach(dir ${children})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/CMakeLists.txt)
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()
