# FtlabPlugin.cmake - ftlab_add_plugin(): builds one plugin library with hidden
# visibility, an export map that exposes only ftl_plugin_entry, no undefined
# symbols, and the output name libftlab_<NAME>.so in FTLAB_PLUGIN_OUTPUT_DIR
# (the host's default search folder).
#
#   ftlab_add_plugin(<NAME> SOURCES a.cpp ... [LINKS_TORCH] [LIBRARIES ...])
#
# LINKS_TORCH adds LibTorch and a precompiled <torch/torch.h>; leave it out for
# plugins that do not need it (they build in seconds).
set(_FTLAB_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/plugin.map")

function(ftlab_add_plugin NAME)
  cmake_parse_arguments(P "LINKS_TORCH" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "ftlab_add_plugin(${NAME}): SOURCES is empty")
  endif()
  add_library(${NAME} MODULE ${P_SOURCES})
  target_link_libraries(${NAME} PRIVATE ftlab::sdk ${P_LIBRARIES})
  set_target_properties(${NAME} PROPERTIES
    OUTPUT_NAME "ftlab_${NAME}"
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${FTLAB_PLUGIN_OUTPUT_DIR}")
  target_link_options(${NAME} PRIVATE
    "-Wl,--version-script=${_FTLAB_PLUGIN_MAP}" "-Wl,--no-undefined")
  set_property(TARGET ${NAME} APPEND PROPERTY LINK_DEPENDS "${_FTLAB_PLUGIN_MAP}")
  if(P_LINKS_TORCH)
    target_link_libraries(${NAME} PRIVATE ftlab::torch)
    target_precompile_headers(${NAME} PRIVATE <torch/torch.h>)
  endif()
  if(DEFINED FTLAB_PLUGIN_INSTALL_DIR)
    install(TARGETS ${NAME} LIBRARY DESTINATION "${FTLAB_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
