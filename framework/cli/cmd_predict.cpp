// cmd_predict.cpp - `ftlab predict (--run RUN.h5 | --model DIR) [TEXT ...]
// [--input FILE] [--output FILE.jsonl] [--top-k K]`: classifies new texts with
// a finished run's tokenizer and weights, or with a Hugging Face model folder
// (what `ftlab export --format hf` writes; plugins picked by offering the
// folder to each, see analysis/model_folder.hpp): label and softmax
// probability per text, batched. Output: a table on stdout (the best label,
// or the K best with an explicit --top-k K), or JSON Lines
// ({"text", "label", "probability", "top_k": [{"label", "probability"}]})
// with --output ("-" = stdout). Limits: --input is read as one text per line
// (split on "\n", a trailing "\r" removed, empty lines skipped); CPU only.
#include "analysis/predictor.hpp"
#include "analysis/stats.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

namespace ftl::cli {

namespace {

const char* k_usage =
    "predict (--run RUN.h5 | --model DIR) [TEXT ...] [--input FILE] [--output FILE.jsonl] [--top-k K] "
    "[--batch-size N] [--base-dir DIR] [--max-length N] [--plugin-path DIR]...";

std::vector<std::string> read_lines(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error("--input " + path + ": is a folder; give a text file with one text per line");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the --input file; give a text file with one text per line");
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

int cmd_predict(int argc, char** argv) {
  po::options_description desc("ftlab predict");
  desc.add_options()("run", po::value<std::string>(), "results file of a finished run (.h5)")(
      "model", po::value<std::string>(), "Hugging Face model folder (ftlab export --format hf)")(
      "max-length", po::value<int64_t>(), "--model: truncate texts to N tokens (default: the folder's setting)")(
      "text", po::value<std::vector<std::string>>(), "texts to classify")("input", po::value<std::string>(),
                                                                          "file with one text per line")(
      "output", po::value<std::string>(), "write JSON Lines here ('-' = stdout) instead of a table")(
      "top-k", po::value<int64_t>()->default_value(3),
      "most probable labels per text (JSON Lines: default 3; table: 1 unless given)")(
      "batch-size", po::value<int64_t>()->default_value(32), "texts per forward pass")(
      "base-dir", po::value<std::string>(), "folder the stored experiment's relative paths resolve against")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {"text"}, k_usage, true);
  if (p.help) return 0;
  if (p.vm.count("run") == p.vm.count("model"))
    throw Error(
        std::string(p.vm.count("run") ? "give --run or --model, not both" : "missing --run RUN.h5 or --model DIR") +
        "; usage: ftlab " + k_usage);
  if (p.vm.count("run") && p.vm.count("max-length"))
    throw Error("--max-length applies to --model only; a run's texts are truncated at its tokenizer's max_length");
  if (p.vm.count("model") && p.vm.count("base-dir"))
    throw Error("--base-dir applies to --run only; a model folder holds its own files");
  if (p.vm.count("output") && p.vm["output"].as<std::string>() != "-") {
    const std::string out = p.vm["output"].as<std::string>();
    output_path_check(out, "--output");
    std::error_code ec;
    if (p.vm.count("input") && std::filesystem::equivalent(out, p.vm["input"].as<std::string>(), ec))
      throw Error("--output " + out + " is the --input file; give another file for the predictions");
  }
  std::vector<std::string> texts = get_or(p.vm, "text", std::vector<std::string>{});
  if (p.vm.count("input")) {
    auto more = read_lines(p.vm["input"].as<std::string>());
    texts.insert(texts.end(), more.begin(), more.end());
  }
  if (texts.empty()) throw Error(std::string("no texts to classify: give TEXT arguments or --input FILE"));
  const int64_t top_k = p.vm["top-k"].as<int64_t>(), batch = p.vm["batch-size"].as<int64_t>();
  if (top_k < 1) throw Error("--top-k must be at least 1");
  if (batch < 1) throw Error("--batch-size must be at least 1");

  const int64_t max_length = get_or(p.vm, "max-length", int64_t{0});
  if (p.vm.count("max-length") && max_length < 1) throw Error("--max-length must be at least 1");
  const auto plugin_dirs = get_or(p.vm, "plugin-path", std::vector<std::string>{});
  auto pred = p.vm.count("run")
                  ? analysis::predictor_load(p.vm["run"].as<std::string>(), get_or(p.vm, "base-dir", std::string()),
                                             plugin_dirs)
                  : analysis::predictor_load_folder(p.vm["model"].as<std::string>(), max_length, plugin_dirs);
  std::fprintf(stderr, "%s\n",
               pred->prepared_by.empty()
                   ? "texts used as given (no dataset table stored; export the run again to prepare them)"
                   : ("texts prepared as the '" + pred->prepared_by + "' dataset prepared the training texts").c_str());
  const std::vector<float> logits = analysis::predictor_logits(*pred, texts, batch);  // [n, C]
  const int64_t c = pred->num_labels();
  const auto& names = pred->label_names;

  const bool jsonl = p.vm.count("output") != 0;
  const int64_t table_k = p.vm["top-k"].defaulted() ? 1 : std::min(top_k, c);  // labels per table row
  size_t width = 0;                                                            // label column: the longest name
  for (const auto& n : names) width = std::max(width, n.size());
  // --output FILE is written whole at the end (write_file_atomic); "-" streams to stdout.
  const bool to_file = jsonl && p.vm["output"].as<std::string>() != "-";
  std::ostringstream file;
  std::ostream* out = to_file ? static_cast<std::ostream*>(&file) : &std::cout;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto prob = analysis::softmax_row(logits.data() + static_cast<int64_t>(i) * c, c);  // [C]
    std::vector<int64_t> order(static_cast<size_t>(c));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return prob[a] > prob[b]; });
    const int64_t best = order[0];
    if (!jsonl) {  // label probability [label probability ...] text
      for (int64_t k = 0; k < table_k; ++k)
        std::printf("%-*s %.4f  ", static_cast<int>(width), names[order[k]].c_str(), prob[order[k]]);
      std::string shown = texts[i];  // a NUL byte would end the printed text: show it as \0
      for (size_t at = shown.find('\0'); at != std::string::npos; at = shown.find('\0', at + 2))
        shown.replace(at, 1, "\\0");
      std::printf("%s\n", shown.c_str());
      continue;
    }
    nlohmann::json j;
    j["text"] = texts[i];
    j["label"] = names[best];
    j["probability"] = prob[best];
    j["top_k"] = nlohmann::json::array();
    for (int64_t k = 0; k < std::min(top_k, c); ++k)
      j["top_k"].push_back({{"label", names[order[k]]}, {"probability", prob[order[k]]}});
    *out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  if (to_file) write_file_atomic(p.vm["output"].as<std::string>(), file.str());
  if (to_file)
    std::fprintf(stderr, "predictions: %s (%zu texts)\n", p.vm["output"].as<std::string>().c_str(), texts.size());
  return 0;
}

}  // namespace

FTL_COMMAND(predict, "predict", k_usage, "classify texts with a finished run or an exported model folder", cmd_predict);

}  // namespace ftl::cli
