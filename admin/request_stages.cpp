#include "admin/request_stages.hpp"

namespace tanda::admin {

std::string notified_key(std::string_view request_id) {
    return "notified:" + std::string(request_id);
}

}  // namespace tanda::admin
