// Whether each CA's OCSP signer signs, as live signing last found it: a key on a PKCS#11 token
// stops signing when the HSM cannot be reached or drops its session. Such a CA's live answers
// are tryLater and its /readyz check fails (a load balancer takes the node out), while cached
// answers go on being served until their nextUpdate; the log says why once per outage.
//
// Thread safety: all calls from any thread. succeeded() is on the signing path: one relaxed
// atomic load while nothing fails.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace tanda::ocsp {

class SignerHealth {
public:
    void succeeded(const std::string& ca);
    // True for the first failure since the CA last signed (worth a loud log line).
    bool failed(const std::string& ca, const std::string& error, UnixSeconds now);
    // The first CA whose signer fails, as "signer of CA x failing since T: error".
    std::optional<std::string> problem() const;
    // The failing CAs not probed within `every` seconds (marked probed at `now`).
    std::vector<std::string> due_for_probe(UnixSeconds now, UnixSeconds every);

private:
    struct Failing {
        UnixSeconds since = 0;
        std::string error;
        UnixSeconds probed = 0;
    };
    std::atomic<std::size_t> failing_count_{0};
    mutable std::mutex mutex_;
    std::map<std::string, Failing> failing_;
};

}  // namespace tanda::ocsp
