#include "admin/role_scope.hpp"

#include <algorithm>

#include "admin/caller.hpp"

namespace tanda::admin {
namespace {

// The one AVA of "TYPE=value"; nullopt for anything else (a whole DN, a multi-valued RDN).
std::optional<Ava> single_ava(std::string_view text) {
    auto dn = parse_dn(text);
    if (!dn || dn->rdns.size() != 1 || dn->rdns.front().size() != 1) return std::nullopt;
    return dn->rdns.front().front();
}

// `value` as a DN attribute value with RFC 4514's specials escaped, so that a prefix holding
// ',' or '+' is read as text, then normalised like any value.
std::optional<Ava> ou_value(std::string_view value) {
    std::string text = "OU=";
    for (char c : value) {
        if (std::string_view(",+;\\\"<>=#/").find(c) != std::string_view::npos) text += '\\';
        text += c;
    }
    return single_ava(text);
}

bool holds(const DistinguishedName& dn, const Ava& ava) {
    return std::ranges::any_of(
        dn.rdns, [&](const Rdn& rdn) { return std::ranges::find(rdn, ava) != rdn.end(); });
}

bool has_ou_prefix(const DistinguishedName& dn, const Ava& prefix) {
    for (const auto& rdn : dn.rdns) {
        for (const auto& ava : rdn) {
            if (ava.type == prefix.type && ava.value.starts_with(prefix.value)) return true;
        }
    }
    return false;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// The refusal for a caller none of whose scopes passed: each scope's failed rule.
tl::unexpected<ApiError> outside(const Caller& who, const std::vector<std::string>& failed_rules) {
    std::string message = "outside this operator's scope: ";
    for (std::size_t i = 0; i < failed_rules.size(); ++i) {
        if (i > 0) message += "; nor ";
        message += "rule '" + failed_rules[i] + "' of the role at " + who.scopes[i]->where();
    }
    message += " is not met";
    auto r = refuse(ApiErrorKind::forbidden, "scope", std::move(message));
    r.value().rule = failed_rules.front();
    return r;
}

// The failed rule of each scope, or an empty vector when one scope admits the certificate.
std::vector<std::string> failures(const Caller& who, std::string_view ca,
                                  const std::optional<std::string_view>& subject) {
    std::optional<DistinguishedName> dn;
    bool parsed = false;
    std::vector<std::string> failed;
    for (const auto& scope : who.scopes) {
        auto fail = scope->ca_failure(ca);
        if (!fail && subject && scope->has_subject_rules()) {
            if (!parsed) dn = parse_dn(*subject), parsed = true;
            fail = scope->subject_failure(dn);
        }
        if (!fail) return {};
        failed.push_back(std::move(*fail));
    }
    return failed;
}

}  // namespace

CompiledScope::CompiledScope(const RoleScope& scope, std::string where)
    : cas_(scope.cas), where_(std::move(where)) {
    for (const auto& text : scope.attributes) attributes_.push_back({text, single_ava(text)});
    if (!scope.ou_prefix.empty()) {
        ou_prefix_text_ = "ou_prefix: " + scope.ou_prefix;
        // An unparsable prefix must still be a rule, one that never matches.
        ou_prefix_ = ou_value(scope.ou_prefix).value_or(Ava{"", ""});
    }
}

std::optional<std::string> CompiledScope::ca_failure(std::string_view ca) const {
    if (cas_.empty() || std::ranges::find(cas_, ca) != cas_.end()) return std::nullopt;
    return "cas: " + join(cas_);
}

std::optional<std::string> CompiledScope::subject_failure(
    const std::optional<DistinguishedName>& subject) const {
    for (const auto& rule : attributes_) {
        if (!subject || !rule.ava || !holds(*subject, *rule.ava)) return rule.text;
    }
    if (ou_prefix_ &&
        (!subject || ou_prefix_->type.empty() || !has_ou_prefix(*subject, *ou_prefix_))) {
        return ou_prefix_text_;
    }
    return std::nullopt;
}

ApiResult<void> check_ca_scope(const Caller& who, std::string_view ca) {
    if (who.scopes.empty()) return {};
    auto failed = failures(who, ca, std::nullopt);
    if (failed.empty()) return {};
    return outside(who, failed);
}

ApiResult<void> check_scope(const Caller& who, std::string_view ca, std::string_view subject) {
    if (who.scopes.empty()) return {};
    auto failed = failures(who, ca, subject);
    if (failed.empty()) return {};
    return outside(who, failed);
}

bool in_scope(const Caller& who, std::string_view ca, std::string_view subject) {
    return who.scopes.empty() || failures(who, ca, subject).empty();
}

ApiResult<void> check_whole_ca(const Caller& who, std::string_view what,
                               std::optional<std::string_view> ca) {
    if (who.scopes.empty()) return {};
    std::vector<std::string> failed;
    for (const auto& scope : who.scopes) {
        std::optional<std::string> fail;
        if (scope->has_subject_rules()) {
            fail = "a subject rule (" + std::string(what) + " needs a CA's own operator)";
        } else if (ca) {
            fail = scope->ca_failure(*ca);
        } else {
            fail = "cas (" + std::string(what) + " covers every CA)";
        }
        if (!fail) return {};
        failed.push_back(std::move(*fail));
    }
    return outside(who, failed);
}

bool is_ca_operator(const Caller& who, std::string_view ca) {
    return who.scopes.empty() || std::ranges::any_of(who.scopes, [&](const auto& scope) {
               return !scope->has_subject_rules() && !scope->ca_failure(ca);
           });
}

}  // namespace tanda::admin
