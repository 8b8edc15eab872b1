// no_entry.cpp - a test library that exports no ftl_plugin_entry.
extern "C" __attribute__((visibility("default"))) int ftl_something_else(void) {
  return 42;
}
