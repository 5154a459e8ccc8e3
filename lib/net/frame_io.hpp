#pragma once
// Reading and writing whole EMOP frames on a stream socket. The caller bounds the
// time (see Deadline); these only know frames.
#include <utility>  // before Asio: Boost 1.74 awaitable.hpp uses std::exchange without it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "emop/bytes.hpp"

namespace flows::net {

// Reads exactly one frame: the delimiter and length byte, then the rest. Throws
// MeterError(protocol) when the first byte is not 0x7E or the length is impossible;
// boost::system::system_error on socket errors.
boost::asio::awaitable<emop::Bytes> read_frame(boost::asio::ip::tcp::socket& socket);

boost::asio::awaitable<void> write_all(boost::asio::ip::tcp::socket& socket, emop::ByteView bytes);

}  // namespace flows::net
