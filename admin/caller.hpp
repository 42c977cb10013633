// Who called the admin API, as the authenticator established it: what the routes pass to
// AdminService, and what admin writes record in their journal entry's source.
#pragma once

#include <string>

#include "admin/admin_options.hpp"
#include "admin/role_scope.hpp"

namespace tanda::admin {

struct Caller {
    std::string subject;      // the client certificate's subject DN, e.g. "CN=Operator,O=Demo,C=ID"
    std::string spki_sha256;  // SHA-256 of its DER SubjectPublicKeyInfo, lower-case hex
    Role role = Role::auditor;
    // The scopes of the role entries that granted `role`; empty: not limited (role_scope.hpp).
    Scopes scopes{};
};

}  // namespace tanda::admin
