#include "net/frame_io.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "emop/frame.hpp"
#include "meter/transport.hpp"

namespace asio = boost::asio;

namespace flows::net {

asio::awaitable<emop::Bytes> read_frame(asio::ip::tcp::socket& socket) {
  emop::Bytes frame(2);
  co_await asio::async_read(socket, asio::buffer(frame), asio::use_awaitable);
  if (frame[0] != emop::frame_delimiter)
    throw meter::MeterError(meter::FailureKind::protocol,
                            "response does not start with 0x7e (got 0x" + emop::to_hex(emop::ByteView(frame).first(1)) + ")");
  if (frame[1] < 12)
    throw meter::MeterError(meter::FailureKind::protocol, "response length byte " + std::to_string(frame[1]) + " is below 12");
  frame.resize(emop::frame_size_from_length(frame[1]));
  co_await asio::async_read(socket, asio::buffer(frame.data() + 2, frame.size() - 2), asio::use_awaitable);
  co_return frame;
}

asio::awaitable<void> write_all(asio::ip::tcp::socket& socket, emop::ByteView bytes) {
  co_await asio::async_write(socket, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
}

}  // namespace flows::net
