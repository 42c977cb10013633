#include "http/background_listener.hpp"

namespace tanda::http {

Result<void> BackgroundListener::start(std::unique_ptr<Server> server,
                                       const std::string& name,
                                       const ListenerOptions& options, Logger& logger) {
    server_ = std::move(server);
    if (auto ok = server_->listen(); !ok) {
        return tl::unexpected(ok.error().with_context(name + " listener"));
    }
    logger.info(name + " listening",
                {{"address", options.address}, {"port", std::to_string(server_->port())}});
    thread_ = std::thread([server = server_.get()] { server->run(); });
    return {};
}

BackgroundListener::~BackgroundListener() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace tanda::http
