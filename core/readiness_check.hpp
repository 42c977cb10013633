// One named condition of readiness (GET /readyz): the libraries that know what "ready" means
// for them (ca/, crl/) provide checks, and http/health_routes.hpp serves them.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace tanda {

struct ReadinessCheck {
    std::string name;
    // nullopt when met, else what is wrong ("signer of root expired at ...").
    std::function<std::optional<std::string>()> problem;
};

}  // namespace tanda
