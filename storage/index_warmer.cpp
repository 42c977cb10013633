#include "storage/index_warmer.hpp"

#include <chrono>

namespace tanda::storage {

IndexWarmer::IndexWarmer(const RevocationIndex& index, Logger& logger)
    : thread_([&index, &logger](std::stop_token stop) {
          const auto started = std::chrono::steady_clock::now();
          auto walked = index.warm(stop);
          if (!walked) {
              logger.warn("index warm-up failed", {{"error", walked.error().message}});
              return;
          }
          const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now() - started);
          logger.info(stop.stop_requested() ? "index warm-up stopped" : "index warmed",
                      {{"records", std::to_string(walked->records)},
                       {"ms", std::to_string(ms.count())},
                       {"huge_page_mib", std::to_string(walked->huge_page_kib / 1024)}});
      }) {}

void IndexWarmer::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
}

}  // namespace tanda::storage
