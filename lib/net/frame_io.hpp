#pragma once
// Whole EMOP frames on any Asio stream (a TCP socket, a SOCKS5-tunnelled socket, a
// test stream), as free function templates in the style of Beast: the codec says
// how long a frame is from its first two bytes; these only move bytes. The caller
// bounds the time (see Deadline). Socket errors are thrown as
// boost::system::system_error; a prefix that cannot start a frame is returned as
// the codec's FrameError, and nothing past it is read.
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/result.hpp"
#include "emop/bytes.hpp"
#include "emop/exchange.hpp"
#include "transport/asio.hpp"

namespace flows::net {

template <class AsyncReadStream>
Task<Result<emop::Bytes, emop::FrameError>> async_read_frame(AsyncReadStream& stream) {
  emop::Bytes frame(2);
  co_await boost::asio::async_read(stream, boost::asio::buffer(frame), boost::asio::use_awaitable);
  auto size = emop::frame_size_from_prefix(frame[0], frame[1]);
  if (!size) co_return unexpected(size.error());
  frame.resize(*size);
  co_await boost::asio::async_read(stream, boost::asio::buffer(frame.data() + 2, frame.size() - 2),
                                   boost::asio::use_awaitable);
  co_return frame;
}

template <class AsyncWriteStream>
Task<void> async_write_frame(AsyncWriteStream& stream, emop::ByteView bytes) {
  co_await boost::asio::async_write(stream, boost::asio::buffer(bytes.data(), bytes.size()), boost::asio::use_awaitable);
}

}  // namespace flows::net
