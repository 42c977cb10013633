#include "admin/operator_identity.hpp"

#include "admin/distinguished_name.hpp"

namespace tanda::admin {
namespace {

constexpr std::string_view kSpkiTag = ";spki=";

}  // namespace

std::string identity_text(const Caller& who) {
    return who.subject + std::string(kSpkiTag) + who.spki_sha256;
}

bool same_operator(const Caller& who, std::string_view identity) {
    // The subject may itself hold ";spki=": the key is after the last tag.
    const auto tag = identity.rfind(kSpkiTag);
    if (tag == std::string_view::npos) return true;  // unreadable: never count as another
    const std::string_view subject = identity.substr(0, tag);
    const std::string_view spki = identity.substr(tag + kSpkiTag.size());
    if (!who.spki_sha256.empty() && who.spki_sha256 == spki) return true;
    return subject == who.subject || same_dn(subject, who.subject);
}

}  // namespace tanda::admin
