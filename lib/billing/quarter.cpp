#include "billing/quarter.hpp"

namespace flows::billing {

MicrogridQuarter microgrid_quarter(const Esco& esco, const Rates& benchmark,
                                   const std::optional<MicrogridCarryOver>& previous,
                                   const std::optional<ExistingTariff>& existing) {
  MicrogridQuarter q;
  q.row.esco = esco.code;
  q.row.carried_over = previous.has_value();
  q.row.discount = previous ? previous->discount : default_discount;
  if (previous) q.prepayment = previous->prepayment;
  validate_prepayment(q.prepayment);
  q.row.rates = microgrid_rates(benchmark, q.row.discount);
  q.row.created = !existing;
  if (existing) {
    q.row.discount = existing->discount;
    q.row.rates = existing->rates;
  }
  return q;
}

QuarterRow customer_quarter(const Esco& esco, const Rates& benchmark, const QuarterCustomer& c) {
  QuarterRow row;
  row.esco = esco.code;
  row.customer = c.email;
  row.carried_over = c.previous_discount.has_value();
  row.discount = c.previous_discount.value_or(default_discount);
  row.rates = customer_rates(benchmark, row.discount);
  row.created = !c.existing;
  if (c.existing) {
    row.discount = c.existing->discount;
    row.rates = as_on_meter(c.existing->rates);
  }
  return row;
}

}  // namespace flows::billing
