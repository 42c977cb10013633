// Signals delivered on a server's control loop (SIGHUP reload, SIGTERM/SIGINT stop): Asio's
// signal_set, so a handler runs as ordinary code on that loop, never in signal context.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>

#include <boost/asio/io_context.hpp>

namespace tanda::http {

class SignalWatch {
public:
    enum class Repeat { once, every };

    // From construction until destruction, `signals` no longer take their default action in
    // this process; `handler(signo)` runs on `control` for each arrival (Repeat::every) or for
    // the first only (Repeat::once; later ones are swallowed). `control` must outlive the watch.
    SignalWatch(boost::asio::io_context& control, std::initializer_list<int> signals,
                Repeat repeat, std::function<void(int)> handler);
    ~SignalWatch();
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

    // Stops calling the handler; the signals stay swallowed until destruction.
    void cancel();

    struct State;  // internal: shared with the pending wait

private:
    std::shared_ptr<State> state_;
};

}  // namespace tanda::http
