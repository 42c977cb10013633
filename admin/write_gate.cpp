#include "admin/write_gate.hpp"

namespace tanda::admin {

void WriteGate::lock() {
    std::unique_lock lock(mutex_);
    ++exclusive_waiting_;
    changed_.wait(lock, [this] { return !exclusive_ && shared_ == 0; });
    --exclusive_waiting_;
    exclusive_ = true;
}

void WriteGate::unlock() {
    {
        std::lock_guard lock(mutex_);
        exclusive_ = false;
    }
    changed_.notify_all();
}

void WriteGate::lock_shared() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return shared_may_enter(); });
    ++shared_;
}

bool WriteGate::try_lock_shared() {
    std::lock_guard lock(mutex_);
    if (!shared_may_enter()) return false;
    ++shared_;
    return true;
}

void WriteGate::unlock_shared() {
    bool last = false;
    {
        std::lock_guard lock(mutex_);
        last = --shared_ == 0;
    }
    if (last) changed_.notify_all();
}

}  // namespace tanda::admin
