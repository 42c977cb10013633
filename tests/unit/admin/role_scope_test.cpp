#include "admin/role_scope.hpp"

#include <catch2/catch.hpp>

#include "admin/caller.hpp"

using namespace tanda;
using namespace tanda::admin;

namespace {

Caller scoped(std::vector<RoleScope> scopes) {
    Caller c{"CN=Op Natuna,O=Pemerintah Kabupaten Natuna,C=ID", std::string(64, 'a'),
             Role::operator_};
    int line = 10;
    for (auto& s : scopes) {
        c.scopes.push_back(
            std::make_shared<const CompiledScope>(s, "tanda.yaml:" + std::to_string(line++)));
    }
    return c;
}

RoleScope attributes(std::vector<std::string> a) { return RoleScope{std::move(a), "", {}}; }

const std::string kNatuna = "CN=Budi,OU=Diskominfo Natuna,O=Pemerintah Kabupaten Natuna,C=ID";
const std::string kAnambas = "CN=Sari,OU=Diskominfo Anambas,O=Pemerintah Kabupaten Anambas,C=ID";

}  // namespace

TEST_CASE("no scope: every CA and certificate, even an unparsable subject", "[scope]") {
    Caller ca_operator{"CN=CA Op,O=BSrE,C=ID", "", Role::operator_};
    CHECK(check_scope(ca_operator, "demo", "not a DN"));
    CHECK(check_ca_scope(ca_operator, "anything"));
    CHECK(in_scope(ca_operator, "demo", ""));
    CHECK(check_whole_ca(ca_operator, "journal verification"));
    CHECK(is_ca_operator(ca_operator, "demo"));
}

TEST_CASE("an attribute rule: the subject must hold that attribute in some RDN", "[scope]") {
    auto who = scoped({attributes({"O=Pemerintah Kabupaten Natuna"})});
    CHECK(check_scope(who, "demo", kNatuna));
    // Written as OpenSSL prints it, most general first, with other spacing and case.
    CHECK(check_scope(who, "demo", "/C=ID/O=PEMERINTAH  kabupaten natuna/CN=Budi"));
    CHECK(check_scope(who, "demo", "C = ID, O = Pemerintah Kabupaten Natuna, CN = Budi"));
    // Attribute names by alias, OID and case.
    CHECK(check_scope(who, "demo", "CN=Budi,organizationName=Pemerintah Kabupaten Natuna"));
    CHECK(check_scope(who, "demo", "CN=Budi,2.5.4.10=Pemerintah Kabupaten Natuna"));
    CHECK(check_scope(who, "demo", "CN=Budi,o=Pemerintah Kabupaten Natuna"));
    auto out = check_scope(who, "demo", kAnambas);
    REQUIRE_FALSE(out);
    CHECK(out.error().kind == ApiErrorKind::forbidden);
    CHECK(out.error().field == "scope");
    CHECK(out.error().rule == "O=Pemerintah Kabupaten Natuna");
    // Names the rule and the role entry, never the record's subject.
    CHECK(out.error().message.find("tanda.yaml:10") != std::string::npos);
    CHECK(out.error().message.find("Anambas") == std::string::npos);
    CHECK(out.error().message.find("Sari") == std::string::npos);
}

TEST_CASE("a value is matched whole, not as a substring or another attribute", "[scope]") {
    auto who = scoped({attributes({"O=Pemerintah Kabupaten Natuna"})});
    CHECK_FALSE(in_scope(who, "demo", "CN=x,O=Pemerintah Kabupaten Natuna Utara,C=ID"));
    CHECK_FALSE(in_scope(who, "demo", "CN=x,O=Kabupaten Natuna,C=ID"));
    // The same text under another type is another attribute.
    CHECK_FALSE(in_scope(who, "demo", "CN=x,OU=Pemerintah Kabupaten Natuna,C=ID"));
    CHECK_FALSE(in_scope(who, "demo", "CN=Pemerintah Kabupaten Natuna"));
}

TEST_CASE("escaped commas are part of the value, in rules and subjects", "[scope]") {
    auto who = scoped({attributes({R"(O=Pemerintah Kabupaten Natuna\, Kepulauan Riau)"})});
    CHECK(in_scope(who, "demo", R"(CN=Budi,O=Pemerintah Kabupaten Natuna\, Kepulauan Riau,C=ID)"));
    CHECK(in_scope(who, "demo", R"(CN=Budi,O=Pemerintah Kabupaten Natuna\2C Kepulauan Riau)"));
    CHECK(in_scope(who, "demo", R"(CN=Budi,O="Pemerintah Kabupaten Natuna, Kepulauan Riau")"));
    // The slash form writes a comma plainly.
    CHECK(in_scope(who, "demo", "/C=ID/O=Pemerintah Kabupaten Natuna, Kepulauan Riau/CN=Budi"));
    // Unescaped, the comma splits the subject: O is only "Pemerintah Kabupaten Natuna".
    CHECK_FALSE(
        in_scope(who, "demo", "CN=Budi,O=Pemerintah Kabupaten Natuna, Kepulauan Riau,C=ID"));
    // And a rule without the tail does not match a value that has it.
    auto plain = scoped({attributes({"O=Pemerintah Kabupaten Natuna"})});
    CHECK_FALSE(
        in_scope(plain, "demo", R"(CN=Budi,O=Pemerintah Kabupaten Natuna\, Kepulauan Riau,C=ID)"));
}

TEST_CASE("multi-valued RDNs: an attribute inside one counts", "[scope]") {
    auto who = scoped({attributes({"O=Pemerintah Kabupaten Natuna"})});
    CHECK(in_scope(who, "demo", "CN=Budi+O=Pemerintah Kabupaten Natuna,C=ID"));
    CHECK(in_scope(who, "demo", "/C=ID/O=Pemerintah Kabupaten Natuna+CN=Budi"));
    CHECK_FALSE(in_scope(who, "demo", "CN=Budi+O=Pemerintah Kabupaten Anambas,C=ID"));
    // A '+' escaped is text, not a second attribute.
    CHECK_FALSE(in_scope(who, "demo", R"(CN=Budi\+O=Pemerintah Kabupaten Natuna,C=ID)"));
}

TEST_CASE("every attribute rule of a scope must hold", "[scope]") {
    auto who = scoped({attributes({"O=Pemerintah Kabupaten Natuna", "C=ID"})});
    CHECK(in_scope(who, "demo", kNatuna));
    auto out = check_scope(who, "demo", "CN=Budi,O=Pemerintah Kabupaten Natuna,C=MY");
    REQUIRE_FALSE(out);
    CHECK(out.error().rule == "C=ID");
}

TEST_CASE("an OU prefix rule", "[scope]") {
    auto who = scoped({RoleScope{{}, "Diskominfo", {}}});
    CHECK(in_scope(who, "demo", kNatuna));
    CHECK(in_scope(who, "demo", kAnambas));
    CHECK(in_scope(who, "demo", "CN=x,ou=DISKOMINFO,C=ID"));
    CHECK(in_scope(who, "demo", "CN=x,OU=Sekretariat+OU=Diskominfo Natuna,C=ID"));
    CHECK_FALSE(in_scope(who, "demo", "CN=x,OU=Dinas Diskominfo,C=ID"));  // a prefix, not a part
    CHECK_FALSE(in_scope(who, "demo", "CN=Diskominfo Natuna,C=ID"));      // OU only
    CHECK_FALSE(in_scope(who, "demo", "CN=x,O=Diskominfo Natuna,C=ID"));
    auto out = check_scope(who, "demo", "CN=x,OU=Dinas Kesehatan,C=ID");
    REQUIRE_FALSE(out);
    CHECK(out.error().rule == "ou_prefix: Diskominfo");
    // A prefix holding ',' is text.
    auto comma = scoped({RoleScope{{}, "Diskominfo, Natuna", {}}});
    CHECK(in_scope(comma, "demo", R"(CN=x,OU=Diskominfo\, Natuna Barat,C=ID)"));
    CHECK_FALSE(in_scope(comma, "demo", "CN=x,OU=Diskominfo,C=ID"));
    // Combined with an attribute: both hold.
    auto both = scoped({RoleScope{{"O=Pemerintah Kabupaten Natuna"}, "Diskominfo", {}}});
    CHECK(in_scope(both, "demo", kNatuna));
    CHECK_FALSE(in_scope(both, "demo", kAnambas));
    CHECK_FALSE(in_scope(both, "demo", "CN=x,OU=Dinkes,O=Pemerintah Kabupaten Natuna"));
}

TEST_CASE("an empty or unparsable subject is outside any subject rule", "[scope]") {
    auto who = scoped({attributes({"O=Pemerintah Kabupaten Natuna"})});
    CHECK_FALSE(in_scope(who, "demo", ""));
    CHECK_FALSE(in_scope(who, "demo", "O=Pemerintah Kabupaten Natuna,\\"));
    auto broken = scoped({attributes({"not an attribute"})});  // never matches
    CHECK_FALSE(in_scope(broken, "demo", kNatuna));
}

TEST_CASE("a CA list limits CAs, subject rules alone admit every CA", "[scope]") {
    auto ca_only = scoped({RoleScope{{}, "", {"natuna-ca", "demo"}}});
    CHECK(check_ca_scope(ca_only, "demo"));
    CHECK(in_scope(ca_only, "natuna-ca", "anything at all"));
    auto out = check_ca_scope(ca_only, "other");
    REQUIRE_FALSE(out);
    CHECK(out.error().rule == "cas: natuna-ca, demo");
    CHECK(check_whole_ca(ca_only, "CRL generation", "demo"));
    CHECK_FALSE(check_whole_ca(ca_only, "CRL generation", "other"));
    CHECK_FALSE(check_whole_ca(ca_only, "journal verification"));  // spans every CA
    CHECK(is_ca_operator(ca_only, "demo"));
    CHECK_FALSE(is_ca_operator(ca_only, "other"));

    auto agency = scoped({RoleScope{{"O=Pemerintah Kabupaten Natuna"}, "", {"demo"}}});
    CHECK(in_scope(agency, "demo", kNatuna));
    CHECK_FALSE(in_scope(agency, "other", kNatuna));
    CHECK_FALSE(is_ca_operator(agency, "demo"));
    CHECK_FALSE(check_whole_ca(agency, "CRL generation", "demo"));
    auto subject_only = scoped({attributes({"O=Pemerintah Kabupaten Natuna"})});
    CHECK(check_ca_scope(subject_only, "whatever"));
}

TEST_CASE("several scopes: any one admits, a refusal names each", "[scope]") {
    auto who = scoped({attributes({"O=Pemerintah Kabupaten Natuna"}),
                       attributes({"O=Pemerintah Kabupaten Anambas"})});
    CHECK(in_scope(who, "demo", kNatuna));
    CHECK(in_scope(who, "demo", kAnambas));
    auto out = check_scope(who, "demo", "CN=x,O=Pemerintah Kota Batam");
    REQUIRE_FALSE(out);
    CHECK(out.error().message.find("tanda.yaml:10") != std::string::npos);
    CHECK(out.error().message.find("tanda.yaml:11") != std::string::npos);
    CHECK(out.error().message.find("Anambas") != std::string::npos);  // the rule, the caller's own
    CHECK(out.error().message.find("Batam") == std::string::npos);    // never the record
}
