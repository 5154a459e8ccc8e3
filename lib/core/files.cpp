#include "core/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace flows {

namespace fs = std::filesystem;

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::filesystem::path> config_dir() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::filesystem::path(x) / "flows";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".config" / "flows";
  return std::nullopt;
}

namespace {

// A temporary of TARGET's (".NAME.XXXXXX", as write_file_atomically makes them)
// whose writer has gone: no one holds its lock, and it has not changed for a
// while (so one just made, not yet locked, is left alone).
bool abandoned_temporary(const fs::path& path) {
  std::error_code ec;
  const auto age = fs::file_time_type::clock::now() - fs::last_write_time(path, ec);
  if (ec || age < std::chrono::seconds(10)) return false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  const bool unlocked = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return unlocked;
}

// The temporaries (".NAME.XXXXXX") in DIR when this process first wrote there, by
// NAME: one scan of a directory however many files a run writes into it.
std::vector<fs::path> temporaries_of(const fs::path& dir, const std::string& name) {
  static std::mutex mutex;
  static std::map<fs::path, std::multimap<std::string, fs::path>> found;
  const std::lock_guard<std::mutex> lock(mutex);
  auto [at, fresh] = found.try_emplace(fs::absolute(dir));
  if (fresh) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string n = it->path().filename().string();
      if (n.size() > 8 && n[0] == '.' && n[n.size() - 7] == '.') at->second.emplace(n.substr(1, n.size() - 8), it->path());
    }
  }
  std::vector<fs::path> out;
  const auto [first, last] = at->second.equal_range(name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  at->second.erase(first, last);
  return out;
}

// Removes what killed writers of TARGET left behind (kill -9 leaves no chance to
// clean up), so a re-run leaves the directory as a clean run would.
void remove_abandoned_temporaries(const fs::path& dir, const fs::path& target) {
  std::error_code ec;
  for (const auto& t : temporaries_of(dir, target.filename().string()))
    if (fs::is_regular_file(t, ec) && abandoned_temporary(t)) fs::remove(t, ec);
}

}  // namespace

void write_file_atomically(const fs::path& target, const std::string& data, unsigned mode) {
  auto fail = [&](const std::string& what) {
    return config_error("cannot write " + target.string() + ": " + what + ": " + std::strerror(errno));
  };
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  remove_abandoned_temporaries(dir, target);
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw fail("creating a temporary file");
  (void)::flock(fd, LOCK_EX);  // held until close: a live writer's temporary is never swept
  auto abandon = [&](const std::string& what) {
    Error e = fail(what);
    ::close(fd);
    ::unlink(tmpl.c_str());
    return e;
  };
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) throw abandon("chmod");
  for (std::size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw abandon("write");
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw abandon("fsync");
  if (::close(fd) != 0) {
    Error e = fail("close");
    ::unlink(tmpl.c_str());
    throw e;
  }
  if (::rename(tmpl.c_str(), target.c_str()) != 0) {
    Error e = fail("rename");
    ::unlink(tmpl.c_str());
    throw e;
  }
  // The rename is durable only once the directory is on disk too; failing to
  // sync it is not worth failing the command for.
  if (int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); d >= 0) {
    (void)::fsync(d);
    ::close(d);
  }
}

unsigned default_file_mode() {
  // Linux reports the umask in /proc/self/status; elsewhere it can only be read by
  // setting it, which is done once and restored at once.
  static const unsigned mask = [] {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
      if (line.starts_with("Umask:")) return static_cast<unsigned>(std::stoul(line.substr(6), nullptr, 8));
    const mode_t old = ::umask(022);
    ::umask(old);
    return static_cast<unsigned>(old);
  }();
  return 0666u & ~mask;
}

void write_file_atomically(const fs::path& target, const std::string& data) {
  write_file_atomically(target, data, default_file_mode());
}

}  // namespace flows
