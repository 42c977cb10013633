// Role scopes (issue 21): an agency's operator acts on its own agency's certificates and on
// nothing else. A scope (admin_options.hpp RoleScope) is compiled once when the authenticator
// is built; the caller carries the scopes of the role entries that granted its role, and every
// admin call asks here before it reads or changes a record.
//
// A caller without scopes (a CA's own operator) passes every check at the cost of one empty()
// test. A caller with several scopes (its certificate matched several role entries) may do
// what any one of them allows. Refusals are 403 naming the rule that failed and the role entry
// it came from, never the record's content.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin_options.hpp"
#include "admin/api_error.hpp"
#include "admin/distinguished_name.hpp"

namespace tanda::admin {

struct Caller;

class CompiledScope {
public:
    // `where` is the role entry's "file:line", for refusals. A rule that does not parse (config
    // validates them first) never matches: a broken scope admits nothing.
    CompiledScope(const RoleScope& scope, std::string where);

    // The text of the first rule CA `ca` fails ("cas: a, b"); nullopt when it is in scope.
    std::optional<std::string> ca_failure(std::string_view ca) const;
    // The text of the first subject rule `subject` (nullopt: unparsable or unknown) fails.
    std::optional<std::string> subject_failure(
        const std::optional<DistinguishedName>& subject) const;
    // True when the scope limits certificates by subject (attributes or ou_prefix).
    bool has_subject_rules() const { return !attributes_.empty() || ou_prefix_; }
    const std::string& where() const { return where_; }

private:
    struct AttributeRule {
        std::string text;        // as configured, for refusals
        std::optional<Ava> ava;  // nullopt: did not parse; never matches
    };
    std::vector<AttributeRule> attributes_;
    std::optional<Ava> ou_prefix_;  // type "OU", value normalised; nullopt: no rule
    std::string ou_prefix_text_;
    std::vector<std::string> cas_;
    std::string where_;
};

using Scopes = std::vector<std::shared_ptr<const CompiledScope>>;

// 403 unless `who` may act on CA `ca` at all (some scope's `cas` admits it).
[[nodiscard]] ApiResult<void> check_ca_scope(const Caller& who, std::string_view ca);
// 403 unless `who` may see and act on the certificate of CA `ca` whose recorded subject is
// `subject` (empty or unparsable: no subject rule holds).
[[nodiscard]] ApiResult<void> check_scope(const Caller& who, std::string_view ca,
                                          std::string_view subject);
// check_scope as a yes/no, for filtering listings and journal pages.
bool in_scope(const Caller& who, std::string_view ca, std::string_view subject);
// 403 for a caller with any subject rule: calls that act on a whole CA or on every CA
// (journal verification, checkpoints, blocks, CRL generation) are the CA's own operators'.
// `what` names the call. A scope limited to CAs alone passes when it admits `ca` (if given).
[[nodiscard]] ApiResult<void> check_whole_ca(const Caller& who, std::string_view what,
                                             std::optional<std::string_view> ca = std::nullopt);
// True when `who` is one of CA `ca`'s own operators: no subject rule limits it there.
bool is_ca_operator(const Caller& who, std::string_view ca);

}  // namespace tanda::admin
