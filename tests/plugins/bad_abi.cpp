// bad_abi.cpp - a test plugin whose descriptor claims a future ABI major; the
// host must refuse it with a message naming both versions.
#include <ftlab/plugin.h>

namespace {
const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR + 1, 0, "bad_abi", "", 0, nullptr};
}

extern "C" FTL_EXPORT const ftl_plugin_descriptor* ftl_plugin_entry(uint32_t, const ftl_host_api*,
                                                                    ftl_error*) noexcept {
  return &k_descriptor;
}
