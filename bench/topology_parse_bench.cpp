// Peak memory of parsing one topology document two ways, each in a child
// process of its own (fork; the child's own peak RSS from wait4's rusage):
//
//   * floor:    the document's text read into memory, not parsed;
//   * compact:  db::YamlTree::parse, the tree `emop db import` reads (16 bytes a
//               node plus the scalars' text, the document text dropped);
//   * yaml-cpp: YAML::Load of the same text (yaml-cpp's node graph: the baseline).
//
// The children are forked before the parent reads anything, so what they
// inherit is the same few megabytes each. Both trees are walked and their node
// counts compared (a check that the two parsers read the same document), and
// the ratio yaml-cpp / compact is printed. Prints figures only; exits 1 when a
// child fails or the counts differ, never because a figure is high.
//
//   topology_parse_bench FILE      (FILE: `emlite-sim topology --meters N`)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

#include <yaml-cpp/yaml.h>

#include "db/yaml_tree.hpp"

#ifndef FLOWS_BUILD_TYPE
#define FLOWS_BUILD_TYPE "unknown"
#endif

namespace {

using Clock = std::chrono::steady_clock;

std::string read_all(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

std::uint64_t count(const flows::db::YamlTree::Node& n) {
  std::uint64_t c = 1;
  if (n.IsSequence())
    for (std::size_t i = 0; i < n.size(); ++i) c += count(n.item(i));
  else if (n.IsMap())
    for (std::size_t i = 0; i < n.size(); ++i) c += count(n.key(i)) + count(n.value(i));
  return c;
}

std::uint64_t count(const YAML::Node& n) {
  std::uint64_t c = 1;
  if (n.IsSequence())
    for (const auto& item : n) c += count(item);
  else if (n.IsMap())
    for (const auto& kv : n) c += count(kv.first) + count(kv.second);
  return c;
}

enum class Parser { floor, compact, yaml_cpp };

// In the child: parse, walk, and report the node count through the pipe.
[[noreturn]] void child(Parser p, const char* path, int out) {
  std::uint64_t nodes = 0;
  try {
    if (p == Parser::floor) {
      const std::string text = read_all(path);
      nodes = text.size();
    } else if (p == Parser::compact) {
      // As db import holds it: the text is read, parsed, then only the tree kept.
      const auto tree = [&] { return flows::db::YamlTree::parse(read_all(path)); }();
      nodes = count(tree.root());
    } else {
      const auto root = [&] { return YAML::Load(read_all(path)); }();
      nodes = count(root);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "topology_parse_bench: %s\n", e.what());
    _exit(1);
  }
  if (write(out, &nodes, sizeof nodes) != sizeof nodes) _exit(1);
  _exit(0);
}

struct Measured {
  std::uint64_t nodes = 0;
  long peak_kib = 0;
  double seconds = 0;
};

Measured measure(Parser p, const char* path) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    child(p, path, fds[1]);
  }
  close(fds[1]);
  Measured m;
  const bool got = read(fds[0], &m.nodes, sizeof m.nodes) == sizeof m.nodes;
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) != pid) throw std::runtime_error("wait4 failed");
  m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("a child failed");
  m.peak_kib = ru.ru_maxrss;  // KiB on Linux
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: topology_parse_bench FILE\n");
    return 2;
  }
  try {
    const Measured floor = measure(Parser::floor, argv[1]);
    const Measured compact = measure(Parser::compact, argv[1]);
    const Measured yaml = measure(Parser::yaml_cpp, argv[1]);
    const auto d = [](auto v) { return static_cast<double>(v); };
    const double text_bytes = d(floor.nodes);  // the floor child reports the text's size
    std::printf("topology_parse_bench (%s): document %.1f MB\n", FLOWS_BUILD_TYPE, text_bytes / 1e6);
    std::printf("  text only (floor)   peak RSS %8.1f MB\n", d(floor.peak_kib) / 1024.0);
    std::printf("  compact (YamlTree)  peak RSS %8.1f MB  %9llu nodes  %6.2f s\n", d(compact.peak_kib) / 1024.0,
                static_cast<unsigned long long>(compact.nodes), compact.seconds);
    std::printf("  YAML::Load          peak RSS %8.1f MB  %9llu nodes  %6.2f s\n", d(yaml.peak_kib) / 1024.0,
                static_cast<unsigned long long>(yaml.nodes), yaml.seconds);
    std::printf("  ratio YAML::Load / compact: %.1fx the peak RSS (compact: %.1fx the document's size)\n",
                d(yaml.peak_kib) / d(compact.peak_kib), d(compact.peak_kib) * 1024.0 / text_bytes);
    if (compact.nodes != yaml.nodes) {
      std::fprintf(stderr, "topology_parse_bench: the parsers disagree: %llu nodes against %llu\n",
                   static_cast<unsigned long long>(compact.nodes), static_cast<unsigned long long>(yaml.nodes));
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "topology_parse_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
