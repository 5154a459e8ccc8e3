#include "cli/complete.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace flows::cli {

namespace {
constexpr std::string_view marker = "complete:";
}

CLI::Option* complete_with(CLI::Option* o, const std::string& kind) {
  // No description, so the type name (and the help) stay as they are.
  o->check(CLI::Validator([](std::string&) { return std::string{}; }, "", std::string(marker) + kind));
  return o;
}

std::string dynamic_kind(const CLI::Option& o) {
  // CLI11 2.1 reads validators only through a non-const getter that changes nothing.
  auto& opt = const_cast<CLI::Option&>(o);
  for (int i = 0;; ++i) {
    const CLI::Validator* v = nullptr;
    try {
      v = opt.get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      return "";
    }
    const std::string& name = v->get_name();
    if (name.starts_with(marker)) return name.substr(marker.size());
  }
}

void add_complete_subcommand(CLI::App& app, Completers completers, std::function<int()>& action) {
  auto* sub = app.add_subcommand("__complete", "print completion candidates (for the shell completions)");
  sub->group("");  // hidden
  auto kind = std::make_shared<std::string>();
  auto words = std::make_shared<std::vector<std::string>>();
  sub->add_option("kind", *kind, "what to complete")->required();
  sub->add_option("words", *words, "the argument's words before the cursor");
  sub->allow_extras();
  auto listers = std::make_shared<Completers>(std::move(completers));
  sub->callback([&action, kind, words, listers] {
    action = [kind, words, listers] {
      try {
        if (auto it = listers->find(*kind); it != listers->end())
          for (const auto& c : it->second(*words)) std::cout << c << "\n";
      } catch (...) {
        // Completion is best effort: nothing to offer.
      }
      return 0;
    };
  });
}

std::optional<std::filesystem::path> cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "flows";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache" / "flows";
  return std::nullopt;
}

bool cache_fresh(std::chrono::system_clock::time_point mtime, std::chrono::system_clock::time_point now,
                 std::chrono::seconds max_age) {
  return mtime <= now && now - mtime < max_age;
}

std::string serials_cache_name(std::string_view env, std::string_view database_url) {
  std::string name;
  for (char c : env)
    name += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ? c : '_';
  if (name.empty()) name = "default";
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : database_url) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string digits(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) digits[static_cast<std::size_t>(i)] = hex[h & 0xf];
  return "serials-" + name + "-" + digits + ".txt";
}

}  // namespace flows::cli
