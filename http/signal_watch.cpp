#include "http/signal_watch.hpp"

#include <boost/asio/signal_set.hpp>

namespace tanda::http {

struct SignalWatch::State {
    State(boost::asio::io_context& control, Repeat repeat, std::function<void(int)> handler)
        : set(control), repeat(repeat), handler(std::move(handler)) {}
    boost::asio::signal_set set;
    Repeat repeat;
    std::function<void(int)> handler;
};

namespace {

void wait(const std::shared_ptr<SignalWatch::State>& s) {
    s->set.async_wait([weak = std::weak_ptr(s)](const boost::system::error_code& ec, int signo) {
        auto self = weak.lock();
        if (ec || !self) return;
        self->handler(signo);
        if (self->repeat == SignalWatch::Repeat::every) wait(self);
    });
}

}  // namespace

SignalWatch::SignalWatch(boost::asio::io_context& control, std::initializer_list<int> signals,
                         Repeat repeat, std::function<void(int)> handler)
    : state_(std::make_shared<State>(control, repeat, std::move(handler))) {
    for (int signo : signals) state_->set.add(signo);
    wait(state_);
}

SignalWatch::~SignalWatch() { cancel(); }

void SignalWatch::cancel() { state_->set.cancel(); }

}  // namespace tanda::http
