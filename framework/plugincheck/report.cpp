// report.cpp - see report.hpp.
#include "plugincheck/report.hpp"

#include <sstream>

#include <unistd.h>

namespace ftl::plugincheck {

namespace {

std::string clean(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

}  // namespace

Report::Report(int fd, std::string subject) : fd_(fd), subject_(std::move(subject)) {}

void Report::emit(const std::string& line) {
  if (fd_ < 0) {
    buffer_ += line;
    return;
  }
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n <= 0) return;  // parent gone: nothing sensible left to do
    done += static_cast<size_t>(n);
  }
}

void Report::begin(const std::string& call) {
  last_call_ = call;
  emit("B\t" + clean(call) + "\n");
}

bool Report::expect(bool ok, const std::string& ok_text, const std::string& bad_text) {
  if (ok)
    pass(ok_text);
  else
    fail(bad_text);
  return ok;
}

void Report::add(Verdict v, const std::string& text) {
  emit(std::string("R\t") + static_cast<char>(v) + "\t" + clean(subject_) + "\t" + clean(text) + "\n");
}

void Report::factory(const FactoryInfo& f) {
  emit("F\t" + std::to_string(f.index) + "\t" + std::to_string(f.kind) + "\t" + clean(f.name) + "\n");
}

void Report::finish() {
  emit("E\n");
}

GroupLog parse_group_log(const std::string& text) {
  GroupLog log;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto f = split_tabs(line);
    if (f[0] == "B" && f.size() >= 2) {
      log.last_call = f[1];
    } else if (f[0] == "R" && f.size() >= 4 && f[1].size() == 1) {
      log.results.push_back({static_cast<Verdict>(f[1][0]), f[2], f[3]});
    } else if (f[0] == "F" && f.size() >= 4) {
      log.factories.push_back({static_cast<uint32_t>(std::stoul(f[1])), std::stoi(f[2]), f[3]});
    } else if (f[0] == "E") {
      log.finished = true;
    }
  }
  return log;
}

}  // namespace ftl::plugincheck
