// The io_uring build only: http/CMakeLists.txt links it with --wrap=io_uring_queue_init, so the
// rings Asio 1.81 sets up (it passes no flags, 16384 entries) are set up as init_io_uring says.
#include <liburing.h>

#include "http/io_uring_ring.hpp"

extern "C" int __wrap_io_uring_queue_init(unsigned entries, io_uring* ring, unsigned flags) {
    return tanda::http::init_io_uring(entries, ring, flags);
}
