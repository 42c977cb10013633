#include "http/descriptor_limit.hpp"

#include <sys/resource.h>

#include <string>

namespace tanda::http {

std::optional<std::uint64_t> raise_descriptor_limit(std::size_t wanted, Logger& logger) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
    if (limit.rlim_cur < wanted) {
        logger.warn("descriptor limit below the configured connections: accepting pauses "
                    "when it is reached (raise LimitNOFILE / ulimit -n)",
                    {{"limit", std::to_string(limit.rlim_cur)},
                     {"wanted", std::to_string(wanted)}});
    }
    return limit.rlim_cur;
}

}  // namespace tanda::http
