#pragma once
#include <string>
#include <vector>

#include "cli.hpp"
#include "jobs/batch.hpp"
#include "gateway/client.hpp"
#include "net/direct_transport.hpp"

namespace flows::emop_app {

// Serials from -s / --serials / --serials-file (one per line; blank lines and '#'
// comments ignored); duplicates removed, order kept.
std::vector<std::string> collect_serials(const MeterSelection& sel, const std::string& positional_serial);

// Where each meter is: --host for a single meter, else the inventory
// (--inventory, EMOP_INVENTORY, or the environment's `inventory`), else the
// database when database_url is set (meter_registry ip_address/emop_port). A meter
// it cannot place is that meter's failure (status 3); the others go on.
jobs::Placement resolve_targets(const MeterSelection& sel, Resources& res,
                                               const std::vector<std::string>& serials);

net::TransportOptions transport_options(const GlobalOptions& options, Resources& res);
// The gateway every meter call goes through: --mediator, else MEDIATOR_SERVER or
// the environment's `mediator`; with client certificates from the environment's
// mediator_client_cert/_key/mediator_ca_cert files or the deployed base64
// MEDIATOR_CLIENT_CERT/_KEY/MEDIATOR_CA_CERT. nullopt: talk to meters directly.
std::optional<gateway::ClientOptions> mediator_options(const GlobalOptions& options, Resources& res);
// How every meter command and job reaches its meters: through the gateway when
// one is configured (unless `direct`), else direct TCP or SOCKS5.
transport::TransportFactory transport_factory(const GlobalOptions& options, Resources& res, bool direct = false);
// A batch's concurrency and transport, from the global options.
jobs::BatchOptions batch_options(const GlobalOptions& options, Resources& res, bool direct = false);

}  // namespace flows::emop_app
