#pragma once
// An --esco that names no ESCO would select no meter and report "0 meters", exit
// 0, as if all were well: every job that filters by ESCO checks it first, before
// any meter is contacted, as a usage error.
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "core/error.hpp"
#include "db/meters.hpp"

namespace flows::jobs {

inline void require_known_esco(pqxx::transaction_base& tx, const std::optional<std::string>& esco) {
  if (esco && !esco->empty()) db::require_esco(tx, *esco);
}

}  // namespace flows::jobs
