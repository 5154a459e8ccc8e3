#pragma once
// A YAML document as a compact, read-only tree: what the document parsers of
// large inputs (topology documents of tens of megabytes) read instead of
// yaml-cpp's node graph, which costs some forty times the text in memory. Built
// from yaml-cpp's event parser: each node is 16 bytes plus its scalar's text.
// Pure: text in, tree out, no I/O.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flows::db {

class YamlTree {
  struct Rec {
    std::uint8_t kind = 0;  // Kind
    std::int32_t line = 0;  // 1-based; 0 when not known
    std::uint32_t a = 0;    // scalar: offset in text_; container: first index in kids_
    std::uint32_t b = 0;    // scalar: length; container: number of kids (a map's are key, value, key, value …)
  };

 public:
  enum class Kind : std::uint8_t { undefined, null, scalar, sequence, map };

  // A view of one node (or of none: a map's missing key is an undefined node).
  class Node {
   public:
    Node() = default;
    Kind kind() const { return tree_ ? static_cast<Kind>(rec().kind) : Kind::undefined; }
    bool IsDefined() const { return kind() != Kind::undefined; }
    bool IsNull() const { return kind() == Kind::null; }
    bool IsScalar() const { return kind() == Kind::scalar; }
    bool IsSequence() const { return kind() == Kind::sequence; }
    bool IsMap() const { return kind() == Kind::map; }
    explicit operator bool() const { return IsDefined(); }
    // 1-based line of the node's first character; 0 when not known.
    int line() const { return tree_ ? rec().line : 0; }
    // A scalar's text; empty for anything else.
    std::string_view Scalar() const;
    // A sequence's items, or a map's entries.
    std::size_t size() const;
    Node item(std::size_t i) const;   // a sequence's i-th item
    Node key(std::size_t i) const;    // a map's i-th key
    Node value(std::size_t i) const;  // a map's i-th value
    // A map's value for a scalar key (the first, if the key repeats); undefined
    // when absent or when this is not a map.
    Node operator[](std::string_view key) const;

   private:
    friend class YamlTree;
    Node(const YamlTree* t, std::uint32_t i) : tree_(t), index_(i) {}
    const Rec& rec() const { return tree_->recs_[index_]; }
    bool container() const { return IsSequence() || IsMap(); }
    const YamlTree* tree_ = nullptr;
    std::uint32_t index_ = 0;
  };

  // The first document of TEXT (null when there is none). Throws
  // YAML::ParserException with the position of a syntax error.
  static YamlTree parse(std::string_view text);

  Node root() const { return recs_.empty() ? Node() : Node(this, root_); }

 private:
  friend class YamlTreeBuilder;
  std::string text_;  // every scalar's text, one after another
  std::vector<Rec> recs_;
  std::vector<std::uint32_t> kids_;
  std::uint32_t root_ = 0;
};

}  // namespace flows::db
