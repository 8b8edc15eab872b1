# FtlabInstall.cmake - `cmake --install` rules for the SDK and the CMake
# package, included once from the top-level CMakeLists.txt. Layout under the
# prefix (relocatable; any prefix the user can write to):
#   bin/ftlab                          (framework/CMakeLists.txt)
#   lib/ftlab/plugins/libftlab_*.so    (ftlab_add_plugin, FTLAB_PLUGIN_INSTALL_DIR)
#   include/ftlab/*.h, *.hpp           the ABI header and SDK helpers
#   lib/cmake/ftlab/                   ftlabConfig.cmake, targets, FtlabPlugin.cmake
# The host searches <exe dir>/../lib/ftlab/plugins by default, so an installed
# ftlab finds its installed plugins with no flag. Paths are literal "lib" (not
# GNUInstallDirs' multiarch libdir) because the host's default is.
include(CMakePackageConfigHelpers)
set(FTLAB_INSTALL_CMAKEDIR "lib/cmake/ftlab")

# The SDK target as plugin authors see it: ftlab::sdk (headers + toml++, C++17).
set_target_properties(ftlab_sdk PROPERTIES EXPORT_NAME sdk)
target_include_directories(ftlab_sdk INTERFACE $<INSTALL_INTERFACE:include>)
target_compile_features(ftlab_sdk INTERFACE cxx_std_17)
install(TARGETS ftlab_sdk EXPORT ftlabTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/sdk/include/ftlab" DESTINATION include
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
install(EXPORT ftlabTargets NAMESPACE ftlab:: DESTINATION "${FTLAB_INSTALL_CMAKEDIR}")

# ABI version from the header, recorded in the package for authors' checks.
file(STRINGS "${PROJECT_SOURCE_DIR}/sdk/include/ftlab/plugin.h" _abi REGEX "^#define FTL_ABI_(MAJOR|MINOR) ")
string(REGEX REPLACE ".*FTL_ABI_MAJOR ([0-9]+)u.*" "\\1" FTLAB_ABI_MAJOR "${_abi}")
string(REGEX REPLACE ".*FTL_ABI_MINOR ([0-9]+)u.*" "\\1" FTLAB_ABI_MINOR "${_abi}")
set(FTLAB_INSTALL_PLUGIN_DIR "lib/ftlab/plugins")
set(FTLAB_INSTALL_BINDIR "bin")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/ftlabConfig.cmake.in"
  "${CMAKE_BINARY_DIR}/sdk/ftlabConfig.cmake"
  INSTALL_DESTINATION "${FTLAB_INSTALL_CMAKEDIR}"
  PATH_VARS FTLAB_INSTALL_PLUGIN_DIR FTLAB_INSTALL_BINDIR)
# Plugins are checked at load time against the ABI major, so any newer ftlab
# with the same ABI major serves; the package version is ftlab's own.
write_basic_package_version_file("${CMAKE_BINARY_DIR}/sdk/ftlabConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY AnyNewerVersion)
install(FILES
  "${CMAKE_BINARY_DIR}/sdk/ftlabConfig.cmake"
  "${CMAKE_BINARY_DIR}/sdk/ftlabConfigVersion.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/FtlabPlugin.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/plugin.map"
  DESTINATION "${FTLAB_INSTALL_CMAKEDIR}")
