#include "pki/token_usage.hpp"

#include <map>

namespace tanda::pki {
namespace {

struct Tokens {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<TokenUsage>> by_label;
    int max_sessions = 16;
};

Tokens& tokens() {
    static Tokens t;
    return t;
}

std::vector<double> signing_buckets() {
    // A token signs in about a millisecond locally, tens over a network: 100 µs to 10 s.
    return metrics::latency_buckets();
}

}  // namespace

TokenUsage::TokenUsage(std::string token, int max_sessions)
    : token_(std::move(token)), max_sessions_(max_sessions), seconds_(signing_buckets()) {}

int TokenUsage::sessions_in_use() const {
    std::lock_guard lock(mutex_);
    return in_use_;
}

TokenUsage::Call::Call(TokenUsage* usage) : usage_(usage) {
    if (usage_ == nullptr) return;
    std::unique_lock lock(usage_->mutex_);
    usage_->free_.wait(lock, [&] { return usage_->in_use_ < usage_->max_sessions_; });
    ++usage_->in_use_;
    started_ = std::chrono::steady_clock::now();
}

void TokenUsage::Call::done(bool ok) {
    if (usage_ == nullptr || finished_) return;
    finished_ = true;
    usage_->seconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    (ok ? usage_->signatures_ : usage_->failures_).fetch_add(1, std::memory_order_relaxed);
    {
        std::lock_guard lock(usage_->mutex_);
        --usage_->in_use_;
    }
    usage_->free_.notify_one();
}

TokenUsage::Call::~Call() { done(false); }

std::shared_ptr<TokenUsage> token_usage(const std::string& token) {
    auto& t = tokens();
    std::lock_guard lock(t.mutex);
    auto& usage = t.by_label[token];
    if (!usage) usage = std::make_shared<TokenUsage>(token, t.max_sessions);
    return usage;
}

std::vector<std::shared_ptr<TokenUsage>> token_usages() {
    auto& t = tokens();
    std::lock_guard lock(t.mutex);
    std::vector<std::shared_ptr<TokenUsage>> out;
    for (const auto& [label, usage] : t.by_label) out.push_back(usage);
    return out;
}

void set_token_max_sessions(int max_sessions) {
    auto& t = tokens();
    std::lock_guard lock(t.mutex);
    t.max_sessions = max_sessions;
}

void add_token_metrics(metrics::Registry& registry) {
    registry.add([](metrics::Exposition& out) {
        const auto usages = token_usages();
        if (usages.empty()) return;
        auto family = [&](const char* name, const char* type, const char* help, auto value) {
            out.family(name, type, help);
            for (const auto& u : usages) {
                out.sample(name, {{"token", u->token()}}, static_cast<double>(value(*u)));
            }
        };
        family("tanda_pkcs11_signatures_total", "counter", "Signatures the token made.",
               [](const TokenUsage& u) { return u.signatures(); });
        family("tanda_pkcs11_failures_total", "counter", "Signatures the token failed.",
               [](const TokenUsage& u) { return u.failures(); });
        family("tanda_pkcs11_sessions_in_use", "gauge",
               "Signatures in progress on the token (one PKCS#11 session each).",
               [](const TokenUsage& u) { return u.sessions_in_use(); });
        family("tanda_pkcs11_max_sessions", "gauge",
               "Signatures allowed at once on the token (pkcs11.max_sessions).",
               [](const TokenUsage& u) { return u.max_sessions(); });
        out.family("tanda_pkcs11_sign_seconds", "histogram",
                   "Time a signature on the token took, waiting for a session excluded.");
        for (const auto& u : usages) {
            const metrics::Label label{"token", u->token()};
            u->seconds().write(out, "tanda_pkcs11_sign_seconds", {&label, 1});
        }
    });
}

}  // namespace tanda::pki
