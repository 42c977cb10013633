// The admin and metrics listeners run beside the public one, each on a thread of its own: bind,
// announce the port ("<name> listening", which tests and operators read), run until stopped.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "core/logger.hpp"
#include "http/server.hpp"

namespace tanda::cli {

class BackgroundListener {
public:
    BackgroundListener() = default;
    ~BackgroundListener();  // stops and joins
    BackgroundListener(const BackgroundListener&) = delete;
    BackgroundListener& operator=(const BackgroundListener&) = delete;

    // Binds `server` and runs it on a new thread; `name` prefixes the log line and errors.
    [[nodiscard]] Result<void> start(std::unique_ptr<http::Server> server, const std::string& name,
                                     const http::ListenerOptions& options, Logger& logger);
    http::Server& server() const { return *server_; }
    void stop() { server_->stop(); }

private:
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
};

}  // namespace tanda::cli
