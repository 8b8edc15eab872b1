// tweeteval_files.hpp - reads the cardiffnlp/tweeteval layout:
// <root>/<task>/{train,val,test}_{text,labels}.txt and mapping.txt, where task
// is a folder ("irony", "stance/abortion") or "stance" (the five stance
// targets concatenated in the official order, as evaluation_script.py pools
// them). Lines are split on "\n" only; blank lines are examples; text and
// label counts must match; labels must lie in the mapping. Known problems of
// copies (missing sentiment training text, the reversed offensive mapping of
// an early commit) get their own messages. Errors are ftl::sdk::Error.
#pragma once

#include <ftlab/dataset.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tweeteval {

// The official task order and the stance targets in pooling order.
extern const char* const k_tasks[7];
extern const char* const k_stance_targets[5];

struct TextOptions {
  bool strip = true;     // Python str.strip() on every text (the HF loader does it)
  bool cardiff = false;  // the Cardiff models' @user / http preprocessing
};

using Split = ftl::sdk::DatasetSplit;  // texts and their labels

// Reads "id<TAB>name" lines (extra tab fields ignored, blank lines skipped);
// ids must be 0, 1, 2, ... Throws for the reversed offensive mapping.
std::vector<std::string> read_mapping(const std::string& path);

// The folders a task reads, in order (one, or five for "stance").
std::vector<std::string> task_folders(const std::string& root, const std::string& task);
// The mapping file of a task (stance targets share <root>/stance/mapping.txt).
std::string task_mapping(const std::string& root, const std::string& task);

// One split ("train", "val" or "test") of one folder.
Split read_split(const std::string& dir, const char* stem, int64_t num_labels, const TextOptions& opt);

// One text as read_split prepares each (strip, then Cardiff preprocessing, as opt says).
std::string prepare_text(std::string_view text, const TextOptions& opt);

// Lines of a file split on '\n' only; a final newline does not start a line.
std::vector<std::string> read_lines(const std::string& path, const std::string& hint);

}  // namespace tweeteval
