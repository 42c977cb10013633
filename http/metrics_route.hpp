// GET /metrics: the registry rendered in Prometheus' text format, for the metrics listener.
#pragma once

#include "core/metrics.hpp"
#include "http/router.hpp"

namespace tanda::http {

// Adds GET /metrics to `router`: 200, text/plain; version=0.0.4, Cache-Control: no-store, the
// body rendered at each request. `registry` must outlive the router's use.
void add_metrics_route(Router& router, const metrics::Registry& registry);

}  // namespace tanda::http
