// sandbox.cpp - see sandbox.hpp.
#include "plugincheck/sandbox.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <typeinfo>

#include <cxxabi.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ftl::plugincheck {

namespace {

Report* g_active = nullptr;  // the child's report, for the terminate handler

// An exception escaped a noexcept plugin call: report it, then leave at once.
[[noreturn]] void on_terminate() noexcept {
  std::string what = "unknown exception";
  if (auto eptr = std::current_exception()) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    what = type != nullptr ? type->name() : "?";
    int status = 0;
    if (char* demangled = abi::__cxa_demangle(what.c_str(), nullptr, nullptr, &status)) {
      what = demangled;
      std::free(demangled);
    }
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      what += std::string(": ") + e.what();
    } catch (...) {
    }
  }
  if (g_active != nullptr) {
    g_active->fail("an exception (" + what + ") escaped through the ABI during " + g_active->last_call() +
                   "; the host would terminate. Wrap every slot body in FTL_GUARD_BEGIN/FTL_GUARD_END");
    g_active->add(Verdict::skip, "the remaining checks of this group did not run");
  }
  std::_Exit(70);
}

std::string signal_name(int sig) {
  const char* d = strsignal(sig);
  return "signal " + std::to_string(sig) + (d ? std::string(" (") + d + ")" : "");
}

}  // namespace

GroupLog run_group(const std::string& subject, const std::function<void(Report&)>& body, bool isolate, int timeout_s) {
  if (!isolate) {
    Report r(-1, subject);
    g_active = &r;
    auto old = std::set_terminate(on_terminate);
    body(r);
    r.finish();
    std::set_terminate(old);
    g_active = nullptr;
    return parse_group_log(r.buffer());
  }

  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("plugin-check: pipe failed: ") + std::strerror(errno));
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("plugin-check: fork failed: ") + std::strerror(errno));
  if (pid == 0) {  // child
    close(fds[0]);
    Report r(fds[1], subject);
    g_active = &r;
    std::set_terminate(on_terminate);
    body(r);
    r.finish();
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(0);  // skip static destructors and atexit handlers of the plugin
  }
  close(fds[1]);
  std::string text;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child closed the pipe (exited)
    text.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  GroupLog log = parse_group_log(text);
  const std::string during = log.last_call.empty() ? "" : " during " + log.last_call;
  if (timed_out) {
    log.results.push_back({Verdict::fail, subject,
                           "did not finish within " + std::to_string(timeout_s) + " s" + during +
                               " (hung? raise --timeout if the plugin is just slow)"});
  } else if (WIFSIGNALED(status)) {
    log.results.push_back({Verdict::fail, subject, "crashed with " + signal_name(WTERMSIG(status)) + during});
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 70) {
    // on_terminate already reported it
  } else if (!log.finished) {
    log.results.push_back({Verdict::fail, subject,
                           "the process exited with status " + std::to_string(WEXITSTATUS(status)) + during +
                               "; a plugin must never call exit()"});
  }
  return log;
}

}  // namespace ftl::plugincheck
