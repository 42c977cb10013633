// The admin API's answers as JSON (Boost.JSON). Times are RFC 3339 UTC, serials upper-case hex,
// reasons RFC 5280 names; absent values are null.
#pragma once

#include <boost/json/object.hpp>

#include "admin/admin_service.hpp"
#include "admin/failure_limiter.hpp"

namespace tanda::admin {

boost::json::object to_json(const ChangeResult& r);
boost::json::object to_json(const CertificateView& v);
boost::json::object to_json(const RegistrationResult& r);
boost::json::object to_json(const RequestStatus& s);
boost::json::object to_json(const PendingView& v);
boost::json::object to_json(const ScheduledView& v);
boost::json::object to_json(const std::vector<ScheduledView>& list);
// GET /v1/requests: {"requests": [...]}.
boost::json::object to_json(const std::vector<PendingView>& list);
boost::json::object to_json(const JournalPage& page, const AdminService& service);
boost::json::object to_json(const JournalCheck& check);
boost::json::object to_json(const CrlGeneration& g);
boost::json::object to_json(const CrlImported& i);
// GET /v1/blocks: each block with its end as wall time from `now`, and the limits in force.
boost::json::object to_json(const std::vector<BlockInfo>& blocks, UnixSeconds now,
                            const RateLimitOptions& limits);

}  // namespace tanda::admin
