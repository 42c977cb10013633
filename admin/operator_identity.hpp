// Which operator a client certificate is, for dual control: the approving operator must be
// another person than the submitting one, decided by the certificates the authenticator
// verified, never by names in a request body (issue 17).
#pragma once

#include <string>
#include <string_view>

#include "admin/caller.hpp"

namespace tanda::admin {

// "<subject DN>;spki=<64 hex>", as the journal records the submitter and the approver.
std::string identity_text(const Caller& who);

// Whether `who` is the operator `identity` (an identity_text) names: the same subject (compared
// as names) OR the same key. Both must differ for another operator: a renewed certificate keeps
// its subject, and one key under two subjects is still one key holder.
bool same_operator(const Caller& who, std::string_view identity);

}  // namespace tanda::admin
