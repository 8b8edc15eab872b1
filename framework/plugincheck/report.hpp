// report.hpp - how plugin-check records its findings. A check group (run in a
// forked child, see sandbox.hpp) writes one line per event to a file
// descriptor; the parent parses them. Lines are: "B\t<call>" (a plugin call is
// about to run, named if it crashes), "R\t<verdict>\t<subject>\t<text>",
// "F\t<index>\t<kind>\t<name>" (a factory worth checking) and "E" (the group
// ended normally). Tabs and newlines inside fields become spaces.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ftl::plugincheck {

enum class Verdict : char { pass = 'P', fail = 'F', warn = 'W', skip = 'S' };

struct Result {
  Verdict verdict;
  std::string subject;  // "library", "metric 'classification'"
  std::string text;
};

struct FactoryInfo {
  uint32_t index = 0;
  int32_t kind = 0;
  std::string name;
};

class Report {
 public:
  // Writes to fd (a pipe to the parent), or to an in-memory buffer when fd < 0.
  explicit Report(int fd, std::string subject);

  void begin(const std::string& call);  // the plugin call about to run
  void pass(const std::string& text) { add(Verdict::pass, text); }
  void fail(const std::string& text) { add(Verdict::fail, text); }
  void warn(const std::string& text) { add(Verdict::warn, text); }
  void skip(const std::string& text) { add(Verdict::skip, text); }
  // pass(ok_text) if ok, else fail(bad_text); returns ok.
  bool expect(bool ok, const std::string& ok_text, const std::string& bad_text);
  void add(Verdict v, const std::string& text);
  void factory(const FactoryInfo& f);
  void finish();

  const std::string& subject() const { return subject_; }
  void set_subject(std::string s) { subject_ = std::move(s); }
  const std::string& last_call() const { return last_call_; }
  const std::string& buffer() const { return buffer_; }
  int fd() const { return fd_; }

 private:
  void emit(const std::string& line);
  int fd_;
  std::string subject_;
  std::string last_call_;
  std::string buffer_;
};

// What the parent reads back from one group.
struct GroupLog {
  std::vector<Result> results;
  std::vector<FactoryInfo> factories;
  std::string last_call;
  bool finished = false;
};
GroupLog parse_group_log(const std::string& text);

}  // namespace ftl::plugincheck
