#include "db/yaml_tree.hpp"

#include <istream>
#include <limits>
#include <map>
#include <stdexcept>
#include <streambuf>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace flows::db {

namespace {

// An istream over text that is not copied.
struct ViewBuf : std::streambuf {
  explicit ViewBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());  // read only: the get area is never written through
    setg(p, p, p + s.size());
  }
};

std::uint32_t narrow(std::size_t n) {
  if (n > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("YAML document too large (over 4 GiB)");
  return static_cast<std::uint32_t>(n);
}

}  // namespace

// Builds the tree from the parser's events. A container's kids are collected on
// one shared stack while it is open and copied out, contiguous, when it closes.
class YamlTreeBuilder : public YAML::EventHandler {
 public:
  explicit YamlTreeBuilder(YamlTree& t) : t_(t) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    add(record(YamlTree::Kind::null, m, anchor));
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it != anchors_.end()) add(it->second);
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    const std::uint32_t i = record(YamlTree::Kind::scalar, m, anchor);
    t_.recs_[i].a = narrow(t_.text_.size());
    t_.recs_[i].b = narrow(value.size());
    t_.text_ += value;
    add(i);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(record(YamlTree::Kind::sequence, m, anchor));
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(record(YamlTree::Kind::map, m, anchor));
  }
  void OnMapEnd() override { close(); }

 private:
  std::uint32_t record(YamlTree::Kind kind, const YAML::Mark& m, YAML::anchor_t anchor) {
    const std::uint32_t i = narrow(t_.recs_.size());
    t_.recs_.push_back({static_cast<std::uint8_t>(kind), m.line >= 0 ? m.line + 1 : 0, 0, 0});
    if (anchor != YAML::NullAnchor) anchors_[anchor] = i;
    return i;
  }
  void add(std::uint32_t i) {
    if (open_.empty())
      t_.root_ = i;
    else
      pending_.push_back(i);
  }
  void open(std::uint32_t i) { open_.push_back({i, pending_.size()}); }
  void close() {
    const auto [i, from] = open_.back();
    open_.pop_back();
    t_.recs_[i].a = narrow(t_.kids_.size());
    t_.recs_[i].b = narrow(pending_.size() - from);
    t_.kids_.insert(t_.kids_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(from), pending_.end());
    pending_.resize(from);
    add(i);
  }

  struct Open {
    std::uint32_t index;
    std::size_t from;  // where its kids start in pending_
  };
  YamlTree& t_;
  std::vector<Open> open_;
  std::vector<std::uint32_t> pending_;
  std::map<YAML::anchor_t, std::uint32_t> anchors_;
};

YamlTree YamlTree::parse(std::string_view text) {
  YamlTree t;
  ViewBuf buf(text);
  std::istream in(&buf);
  YAML::Parser parser(in);
  YamlTreeBuilder builder(t);
  if (!parser.HandleNextDocument(builder) || t.recs_.empty()) {
    t.recs_.assign(1, Rec{static_cast<std::uint8_t>(Kind::null), 0, 0, 0});
    t.root_ = 0;
  }
  t.text_.shrink_to_fit();
  t.recs_.shrink_to_fit();
  t.kids_.shrink_to_fit();
  return t;
}

std::string_view YamlTree::Node::Scalar() const {
  if (!IsScalar()) return {};
  return std::string_view(tree_->text_).substr(rec().a, rec().b);
}

std::size_t YamlTree::Node::size() const {
  if (!container()) return 0;
  return IsMap() ? rec().b / 2 : rec().b;
}

YamlTree::Node YamlTree::Node::item(std::size_t i) const {
  if (!IsSequence() || i >= rec().b) return {};
  return Node(tree_, tree_->kids_[rec().a + i]);
}

YamlTree::Node YamlTree::Node::key(std::size_t i) const {
  if (!IsMap() || 2 * i + 1 >= rec().b) return {};
  return Node(tree_, tree_->kids_[rec().a + 2 * i]);
}

YamlTree::Node YamlTree::Node::value(std::size_t i) const {
  if (!IsMap() || 2 * i + 1 >= rec().b) return {};
  return Node(tree_, tree_->kids_[rec().a + 2 * i + 1]);
}

YamlTree::Node YamlTree::Node::operator[](std::string_view k) const {
  for (std::size_t i = 0; i < size() && IsMap(); ++i) {
    const Node kn = key(i);
    if (kn.IsScalar() && kn.Scalar() == k) return value(i);
  }
  return {};
}

}  // namespace flows::db
