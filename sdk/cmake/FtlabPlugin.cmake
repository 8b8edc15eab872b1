# FtlabPlugin.cmake - ftlab_add_plugin(): builds one plugin library with hidden
# visibility, an export map that exposes only ftl_plugin_entry, no undefined
# symbols, and the output name libftlab_<NAME>.so in FTLAB_PLUGIN_OUTPUT_DIR
# (the host's default search folder in a build tree).
#
#   ftlab_add_plugin(<NAME> SOURCES a.cpp ... [LINKS_TORCH] [LIBRARIES ...])
#
# LINKS_TORCH adds LibTorch and a precompiled <torch/torch.h>; leave it out for
# plugins that do not need it (they build in seconds).
#
# Works in two places with the same behaviour: inside the ftlab tree (the
# top-level CMakeLists.txt defines ftlab::sdk, ftlab::torch and the output
# folder) and from an installed ftlab (find_package(ftlab) includes this file
# from lib/cmake/ftlab; ftlab::sdk is the imported SDK target, ftlab::torch is
# made on first use from the system LibTorch, which must be the version ftlab
# was built with, and plugins land in <build>/plugins and install to
# FTLAB_PLUGIN_INSTALL_DIR, default lib/ftlab/plugins).
set(_FTLAB_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/plugin.map")
if(NOT DEFINED FTLAB_PLUGIN_OUTPUT_DIR)
  set(FTLAB_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins")
endif()

# Installed package only: an interface target for the system LibTorch, checked
# against the version the installed ftlab host was built with.
function(_ftlab_import_torch)
  if(DEFINED ftlab_TORCH_DIR AND NOT Torch_DIR AND EXISTS "${ftlab_TORCH_DIR}")
    # The installed ftlab's own LibTorch before any other: its config folder, and its
    # root as a prefix, so that its lib/libtorch.so wins over a Debian one in /usr/lib.
    set(Torch_DIR "${ftlab_TORCH_DIR}")
    get_filename_component(_torch_root "${ftlab_TORCH_DIR}/../../.." ABSOLUTE)
    list(PREPEND CMAKE_PREFIX_PATH "${_torch_root}")
  endif()
  find_package(Torch REQUIRED)
  if(DEFINED ftlab_TORCH_VERSION AND NOT Torch_VERSION VERSION_EQUAL ftlab_TORCH_VERSION)
    message(FATAL_ERROR "ftlab_add_plugin(... LINKS_TORCH): found LibTorch ${Torch_VERSION} but the installed ftlab "
                        "uses ${ftlab_TORCH_VERSION}; one process holds one LibTorch, so point Torch_DIR at "
                        "LibTorch ${ftlab_TORCH_VERSION}")
  endif()
  add_library(ftlab::torch INTERFACE IMPORTED GLOBAL)
  separate_arguments(_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
  set_target_properties(ftlab::torch PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${TORCH_INCLUDE_DIRS}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${TORCH_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${TORCH_LIBRARIES}"
    INTERFACE_COMPILE_OPTIONS "${_flags}"
    # pip's LibTorch exports a broken copy of std::filesystem (pytorch/pytorch#133437):
    # libstdc++ first among the needed libraries keeps the system's (as the host does)
    INTERFACE_LINK_OPTIONS "LINKER:--push-state,--no-as-needed,-lstdc++,--pop-state")
endfunction()

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
    if(NOT TARGET ftlab::torch)
      _ftlab_import_torch()
    endif()
    target_link_libraries(${NAME} PRIVATE ftlab::torch)
    target_precompile_headers(${NAME} PRIVATE <torch/torch.h>)
  endif()
  if(DEFINED FTLAB_PLUGIN_INSTALL_DIR)
    install(TARGETS ${NAME} LIBRARY DESTINATION "${FTLAB_PLUGIN_INSTALL_DIR}")
    set_property(GLOBAL APPEND PROPERTY FTLAB_INSTALLED_PLUGINS ${NAME})  # tests/sdk checks each
  endif()
endfunction()
