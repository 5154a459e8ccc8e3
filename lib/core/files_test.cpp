#include "core/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace {

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "flows_files_test.XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(path)) ++n;
    return n;
  }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return static_cast<unsigned>(st.st_mode) & 07777u;
}

}  // namespace

TEST_CASE("write_file_atomically writes the data, replaces an older file, and leaves no temporary behind") {
  ScratchDir d;
  const fs::path f = d.path / "fleet.yaml";
  flows::write_file_atomically(f, "meters:\n  - a\n", 0640);
  CHECK(flows::read_text_file(f) == "meters:\n  - a\n");
  CHECK(mode_of(f) == 0640u);
  flows::write_file_atomically(f, "x", 0600);
  CHECK(flows::read_text_file(f) == "x");
  CHECK(mode_of(f) == 0600u);
  flows::write_file_atomically(f, "");
  CHECK(flows::read_text_file(f).empty());
  CHECK(d.entries() == 1);
}

TEST_CASE("write_file_atomically without a mode gives what open(2) would: 0666 less the umask") {
  ScratchDir d;
  const mode_t current = ::umask(0);
  ::umask(current);
  const unsigned computed = flows::default_file_mode();
  CHECK(computed == (0666u & ~static_cast<unsigned>(current)));
  const fs::path f = d.path / "out.csv";
  flows::write_file_atomically(f, "a,b\n");
  CHECK(mode_of(f) == computed);
}

TEST_CASE("write_file_atomically into a missing directory fails naming the file, and writes nothing") {
  ScratchDir d;
  const fs::path f = d.path / "no" / "such" / "state.yaml";
  try {
    flows::write_file_atomically(f, "data", 0600);
    FAIL("no error");
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::config);
    CHECK(std::string(e.what()).find(f.string()) != std::string::npos);
  }
  CHECK(d.entries() == 0);
}

TEST_CASE("write_file_atomically removes temporaries a killed writer left, never a live writer's") {
  ScratchDir d;
  const fs::path f = d.path / "statement-5.html";
  auto plant = [&](const std::string& name, bool old) {
    const fs::path p = d.path / name;
    std::ofstream(p) << "half a statement";
    if (old) fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::hours(1));
    return p;
  };
  const fs::path killed = plant(".statement-5.html.Ab12Cd", true);
  const fs::path fresh = plant(".statement-5.html.Ef34Gh", false);      // made a moment ago, not yet locked
  const fs::path live = plant(".statement-5.html.Ij56Kl", true);        // a writer holds it
  const fs::path other = plant(".statement-6.html.Mn78Op", true);       // another file's: its own write sweeps it
  const fs::path lookalike = plant(".statement-5.html.old", true);      // not a temporary's name
  const int holder = ::open(live.c_str(), O_RDONLY);
  REQUIRE(holder >= 0);
  REQUIRE(::flock(holder, LOCK_EX) == 0);
  flows::write_file_atomically(f, "<html>");
  ::close(holder);
  CHECK(flows::read_text_file(f) == "<html>");
  CHECK_FALSE(fs::exists(killed));
  CHECK(fs::exists(fresh));
  CHECK(fs::exists(live));
  CHECK(fs::exists(other));
  CHECK(fs::exists(lookalike));
  CHECK(d.entries() == 5);
}
