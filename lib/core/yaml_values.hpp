#pragma once
// Reading values out of a yaml-cpp document as located errors. yaml-cpp's own
// as<T>() throws "bad conversion" on a key or value of the wrong node type (a
// `? [a] : b` key, a list where text belongs), which would escape as an internal
// error; these name the file and line instead, with the status the caller's
// kind of file calls for (usage for a document given on the command line,
// config for configuration). Header-only: its users link yaml-cpp themselves.
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"

namespace flows::yaml_values {

// "SOURCE:LINE" (1-based), or SOURCE when yaml-cpp has no position.
inline std::string where(std::string_view source, const YAML::Mark& m) {
  return m.line >= 0 ? std::string(source) + ":" + std::to_string(m.line + 1) : std::string(source);
}

[[noreturn]] inline void fail(ExitCode code, std::string_view source, const YAML::Mark& m, const std::string& msg) {
  throw Error(code, where(source, m) + ": " + msg);
}

// A mapping key as text: every mapping in our documents is keyed by names.
inline std::string key(const YAML::Node& k, std::string_view source, ExitCode code) {
  if (!k.IsScalar()) fail(code, source, k.Mark(), "a key must be plain text, not a list or a mapping");
  return k.Scalar();
}

// N as a scalar of type T (std::string, bool, integers), or a located error
// naming WHAT ("csq", "an event's time").
template <class T>
T scalar(const YAML::Node& n, std::string_view source, std::string_view what, ExitCode code) {
  if (!n.IsDefined() || n.IsNull()) fail(code, source, n.Mark(), std::string(what) + " is missing");
  if (!n.IsScalar()) fail(code, source, n.Mark(), std::string(what) + " must be a single value, not a list or a mapping");
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    fail(code, source, n.Mark(), std::string(what) + " '" + n.Scalar() + "' is not of the right type");
  }
}

// The one line for a yaml-cpp exception that escaped a parser anyway.
[[noreturn]] inline void rethrow(const YAML::Exception& e, std::string_view source, ExitCode code) {
  fail(code, source, e.mark, e.msg.empty() ? std::string("not a valid document") : e.msg);
}

}  // namespace flows::yaml_values
