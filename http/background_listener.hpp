// A listener run beside the public one on a thread of its own (`tanda serve`'s admin and metrics
// listeners): bind, announce the port ("<name> listening", which tests and operators read), run
// until stopped.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "core/logger.hpp"
#include "http/server.hpp"

namespace tanda::http {

class BackgroundListener {
public:
    BackgroundListener() = default;
    ~BackgroundListener();  // stops and joins
    BackgroundListener(const BackgroundListener&) = delete;
    BackgroundListener& operator=(const BackgroundListener&) = delete;

    // Binds `server` and runs it on a new thread; `name` prefixes the log line and errors. On
    // an error nothing runs. Call once; server() and stop() only after a successful start.
    [[nodiscard]] Result<void> start(std::unique_ptr<Server> server, const std::string& name,
                                     const ListenerOptions& options, Logger& logger);
    Server& server() const { return *server_; }
    void stop() { server_->stop(); }

private:
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

}  // namespace tanda::http
