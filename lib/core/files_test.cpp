#include "core/files.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
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
