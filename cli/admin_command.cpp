// `tanda admin revoke|release|approve|reject|register|crl-generate|crl-import|unblock|
// checkpoint|show|request|pending|journal|verify|blocks`: the admin API
// over mutual TLS, so operators need no curl. Prints the JSON answer; a refusal is one clear line
// and exit 1.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "admin/admin_client.hpp"
#include "admin/journal_filter.hpp"
#include "cli/admin_connection.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "core/base64.hpp"
#include "core/sha256.hpp"
#include "http/tls_client.hpp"

namespace tanda::cli {
namespace {

constexpr std::chrono::seconds kAdminTimeout{30};  // for the whole exchange, TLS included

constexpr const char* kAdminHelp =
    R"(Usage: tanda admin <subcommand> --cert FILE --key FILE --cacert FILE [--url URL] ...

Talks to the admin listener over mutual TLS (--url, default https://127.0.0.1:8443). --cert and
--key are your client certificate and key (PEM); --cacert the CA that issued the listener's
certificate (admin.server_certificate). Each of the four may instead come from
TANDA_ADMIN_URL, TANDA_ADMIN_CERT, TANDA_ADMIN_KEY, TANDA_ADMIN_CACERT, or from a profile
file (--profile FILE or TANDA_ADMIN_PROFILE) of "name = value" lines: url, cert, key, cacert
(relative paths are relative to the profile). Flags override the environment, which
overrides the profile.

Subcommands (operator role for the first nine, auditor or operator for the rest):
  revoke    --request-id ID --ca NAME --serial HEX --subject-dn DN --requested-by WHO
            --approved-by WHO --approved-at TIME (--evidence FILE | --evidence-sha256 HEX)
            [--reason NAME] [--revoked-at TIME] [--invalidity-date TIME]
            Submits an approved revocation request. For a CA with approvals: 2 (the default)
            it waits as a pending request (HTTP 202) until another operator approves it; with
            approvals: 1 it is applied at once. Reasons are RFC 5280 names
            (unspecified, keyCompromise, affiliationChanged, superseded,
            cessationOfOperation, certificateHold, privilegeWithdrawn, ...). TIME is RFC 3339
            UTC, e.g. 2024-03-01T12:00:00Z. --approved-at is when the superior approved, as
            the signed letter states; --revoked-at defaults to the time Tanda applies it.
            --evidence hashes the signed request letter (SHA-256). HEX serials may be
            written 3007, 30:07 or 0x3007. Repeating the same command (same request id, same
            options) is safe: it answers the original result; the CLI adds nothing that
            changes between runs. Prints the holder's status token on stderr (each run a
            new one; earlier ones stay valid): the holder reads GET /status/<token>.
            [--effective-at TIME] schedules it for a holder's known end of term, with reason
            cessationOfOperation or affiliationChanged: approved like any, it takes effect
            (revoked at TIME) when Tanda's clock reaches TIME, also after a restart.
  release   --request-id ID --ca NAME --serial HEX --requested-by WHO --approved-by WHO
            [--approved-at TIME] [--evidence FILE | --evidence-sha256 HEX]
            lifts a certificateHold (pending first with approvals: 2, like revoke)
  approve   ID --subject-dn DN                    approves a pending request as the second
            operator: your client certificate must be another than the submitter's (subject
            and key); --subject-dn is your own check of the certificate's subject. Applies it.
  reject    ID --reason TEXT                      rejects a pending request (another operator)
  cancel    ID --reason TEXT                      cancels an approved scheduled revocation
            before it takes effect: with approvals: 2 a second operator repeats it
  register  --ca NAME --certs FILE[,FILE...]              registers issued certificates (PEM/DER)
  crl-generate --ca NAME                                regenerates the CA's CRL (and delta) now
  crl-import --ca NAME --file CRL                        imports a CRL the CA's offline key
            signed (crl.source: import; PEM or DER, complete or delta): checked, its
            revocations journaled, served at once
  unblock   (--block KEY | --all)                       lifts a block (429) on a client that
            failed authentication too often; KEY as `blocks` lists it (spki:HEX or ip:ADDRESS)
  checkpoint                                              signs a journal checkpoint now
            (seq, head hash, time; written to checkpoint.directory): its fields and the
            signed file in base64. With --latest (auditor): the last one written
  show      --ca NAME --serial HEX                        a certificate's record
  request   --request-id ID                               a request's status
  pending   [--status pending|rejected|expired|all]      requests under dual control
            (default: those waiting for approval)
  journal   [--since SEQ] [--limit N] [--ca NAME] [--serial HEX] [--request-id ID]
            [--from TIME] [--to TIME]                   journal entries (from seq 1, 100 at
            most) that meet every filter given; TIME is RFC 3339, both ends inclusive. A page
            scans a bounded number of entries: go on with --since next_since until at_end
  verify                                                  recomputes the journal's hash chain,
            then refolds the journal and compares every record with it (first_difference);
            exits 1 when either fails
  blocks                                                  clients blocked now, and for how long
  scheduled                                               scheduled revocations not applied
            yet, soonest first (status pending, scheduled or cancel_requested)

Exit codes: 0 done, 1 refused or unreachable (the reason is printed), 2 bad usage.
)";

const std::set<std::string> kValueOptions = {"url",         "cert",
                                             "key",         "cacert",
                                             "request-id",  "ca",
                                             "serial",      "reason",
                                             "subject-dn",  "requested-by",
                                             "approved-by", "approved-at",
                                             "revoked-at",  "invalidity-date",
                                             "evidence",    "evidence-sha256",
                                             "certs",       "since",
                                             "limit",       "timeout",
                                             "block",       "profile",
                                             "from",        "to",
                                             "status",      "effective-at",
                                             "file"};

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::not_found, "cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Call {
    bool post = false;
    std::string target;
    std::string body;
};

Result<Call> unblock_call(const Args& args) {
    // --block, not --key: --key is the client's private key file.
    if (args.has("all") == args.has("block")) {
        return fail(ErrorCode::invalid_argument, "give --block KEY or --all");
    }
    if (args.has("all")) return Call{true, "/v1/blocks/unblock", R"({"all":true})"};
    return Call{true, "/v1/blocks/unblock", admin::json_object({{"key", *args.get("block")}})};
}

// Fields copied from options into the JSON body: {option, field}.
using FieldMap = std::vector<std::pair<const char*, const char*>>;

Result<void> need(const Args& args, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        if (!args.get(n)) return fail(ErrorCode::invalid_argument, "--" + std::string(n) + " is required");
    }
    return {};
}

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields fields(const Args& args, const FieldMap& map) {
    Fields out;
    for (auto [option, field] : map) {
        if (auto v = args.get(option)) out.emplace_back(field, *v);
    }
    return out;
}

// --evidence FILE becomes evidence_sha256, the SHA-256 of the file (the signed request letter).
Result<void> add_evidence(const Args& args, Fields& out) {
    if (auto file = args.get("evidence")) {
        auto text = read_file(*file);
        if (!text) return tl::unexpected(text.error());
        out.emplace_back("evidence_sha256", to_hex(Sha256::digest(as_bytes(*text))));
    }
    return {};
}

Result<Call> revoke_call(const Args& args) {
    // --approved-at has no default: the approval time is a fact from the letter, and "now"
    // would also make a retried command a different body (409) instead of a safe replay.
    if (auto ok = need(args, {"request-id", "ca", "serial", "subject-dn", "requested-by",
                              "approved-by", "approved-at"}); !ok) {
        return tl::unexpected(ok.error());
    }
    if (!args.get("evidence") && !args.get("evidence-sha256")) {
        return fail(ErrorCode::invalid_argument,
                    "--evidence FILE or --evidence-sha256 HEX is required");
    }
    auto body = fields(args, {{"request-id", "request_id"}, {"ca", "ca"}, {"serial", "serial"},
                              {"reason", "reason"}, {"subject-dn", "subject_dn"},
                              {"requested-by", "requested_by"}, {"approved-by", "approved_by"},
                              {"approved-at", "approved_at"}, {"revoked-at", "revoked_at"},
                              {"invalidity-date", "invalidity_date"},
                              {"evidence-sha256", "evidence_sha256"},
                              {"effective-at", "effective_at"}});
    if (auto ok = add_evidence(args, body); !ok) return tl::unexpected(ok.error());
    return Call{true, "/v1/revocations", admin::json_object(body)};
}

Result<Call> release_call(const Args& args) {
    if (auto ok = need(args, {"request-id", "ca", "serial", "requested-by", "approved-by"}); !ok) {
        return tl::unexpected(ok.error());
    }
    auto body = fields(args, {{"request-id", "request_id"}, {"requested-by", "requested_by"},
                              {"approved-by", "approved_by"}, {"approved-at", "approved_at"},
                              {"evidence-sha256", "evidence_sha256"}});
    if (auto ok = add_evidence(args, body); !ok) return tl::unexpected(ok.error());
    return Call{true, "/v1/revocations/" + *args.get("ca") + "/" + *args.get("serial") + "/release",
                admin::json_object(body)};
}

// approve / reject: the request id is the first argument (or --request-id).
Result<Call> decide_call(const std::string& sub, const Args& args) {
    const char* field = sub == "approve" ? "subject-dn" : "reason";  // reject, cancel
    if (auto ok = need(args, {"request-id", field}); !ok) {
        return fail(ErrorCode::invalid_argument,
                    "usage: tanda admin " + sub + " ID --" + field + " ...: " + ok.error().message);
    }
    auto body = sub == "approve" ? admin::json_object({{"subject_dn", *args.get("subject-dn")}})
                                 : admin::json_object({{"reason", *args.get("reason")}});
    return Call{true, "/v1/requests/" + *args.get("request-id") + "/" + sub, body};
}

Result<Call> register_call(const Args& args) {
    if (auto ok = need(args, {"ca", "certs"}); !ok) return tl::unexpected(ok.error());
    std::vector<std::string> certs;
    std::stringstream list(*args.get("certs"));
    for (std::string path; std::getline(list, path, ',');) {
        auto text = read_file(path);
        if (!text) return tl::unexpected(text.error());
        // PEM goes as text; DER as base64 (the API takes either).
        certs.push_back(text->find("-----BEGIN") != std::string::npos
                            ? *text
                            : base64_encode(as_bytes(*text)));
    }
    return Call{true, "/v1/certificates",
                admin::json_object({{"ca", *args.get("ca")}}, {{"certificates", certs}})};
}

// An offline CA's CRL file, PEM as text or DER as base64 (the API takes either).
Result<Call> crl_import_call(const Args& args) {
    if (auto ok = need(args, {"ca", "file"}); !ok) return tl::unexpected(ok.error());
    auto text = read_file(*args.get("file"));
    if (!text) return tl::unexpected(text.error());
    const std::string crl =
        text->find("-----BEGIN") != std::string::npos ? *text : base64_encode(as_bytes(*text));
    return Call{true, "/v1/crls/" + *args.get("ca") + "/import",
                admin::json_object({{"crl", crl}}, {})};
}

// The reads: a record, a request, the journal, its verification, the blocks.
Result<Call> read_call(const std::string& sub, const Args& args) {
    if (sub == "show") {
        if (auto ok = need(args, {"ca", "serial"}); !ok) return tl::unexpected(ok.error());
        return Call{false, "/v1/certificates/" + *args.get("ca") + "/" + *args.get("serial"), ""};
    }
    if (sub == "request") {
        if (auto ok = need(args, {"request-id"}); !ok) return tl::unexpected(ok.error());
        return Call{false, "/v1/requests/" + *args.get("request-id"), ""};
    }
    if (sub == "journal") {
        auto query = fields(args, {{"since", "since"}, {"limit", "limit"}, {"ca", "ca"},
                                   {"serial", "serial"}, {"request-id", "request_id"},
                                   {"from", "from"}, {"to", "to"}});
        return Call{false, admin::journal_target(query), ""};
    }
    if (sub == "pending") {
        return Call{false, "/v1/requests?status=" + args.get("status").value_or("pending"), ""};
    }
    if (sub == "verify") return Call{false, "/v1/journal/verify", ""};
    if (sub == "scheduled") return Call{false, "/v1/scheduled", ""};
    if (sub == "blocks") return Call{false, "/v1/blocks", ""};
    return fail(ErrorCode::invalid_argument, "unknown admin subcommand '" + sub + "'");
}

Result<Call> build_call(const std::string& sub, const Args& args) {
    if (sub == "revoke") return revoke_call(args);
    if (sub == "release") return release_call(args);
    if (sub == "approve" || sub == "reject" || sub == "cancel") return decide_call(sub, args);
    if (sub == "register") return register_call(args);
    if (sub == "crl-generate") {
        if (auto ok = need(args, {"ca"}); !ok) return tl::unexpected(ok.error());
        return Call{true, "/v1/crls/" + *args.get("ca") + "/generate", ""};
    }
    if (sub == "crl-import") return crl_import_call(args);
    if (sub == "unblock") return unblock_call(args);
    if (sub == "checkpoint") {
        return args.has("latest") ? Call{false, "/v1/checkpoints/latest", ""}
                                  : Call{true, "/v1/checkpoints", ""};
    }
    return read_call(sub, args);
}

}  // namespace

int admin_command(const Argv& argv) {
    if (argv.empty()) return usage_error("admin needs a subcommand", kAdminHelp);
    if (wants_help(argv, kAdminHelp)) return kExitOk;
    const std::string sub = argv[0];
    Argv rest(argv.begin() + 1, argv.end());
    // `approve ID` / `reject ID`: the id as the first argument reads like the task it is.
    if ((sub == "approve" || sub == "reject" || sub == "cancel") && !rest.empty() &&
        !rest[0].starts_with("--")) {
        rest.erase(rest.begin(), rest.begin() + 1);
        rest.insert(rest.begin(), {std::string("--request-id"), argv[1]});
    }
    Args args(rest, kValueOptions, {"all", "latest"});
    if (!args.error().empty()) return usage_error(args.error(), kAdminHelp);
    auto settings = admin_connection(args);
    if (!settings) return usage_error(settings.error().message, kAdminHelp);
    auto call = build_call(sub, args);
    if (!call) return usage_error(call.error().message, kAdminHelp);
    const std::string& url = settings->url;
    auto endpoint = admin::parse_admin_url(url);
    if (!endpoint) {
        std::fprintf(stderr, "tanda admin %s: %s\n", sub.c_str(), endpoint.error().message.c_str());
        return kExitUsage;
    }
    auto tls = http::TlsClient::create({settings->cacert, settings->cert, settings->key});
    if (!tls) {
        std::fprintf(stderr, "tanda admin %s: %s\n", sub.c_str(), tls.error().message.c_str());
        return kExitFailure;
    }
    const admin::AdminClient client(
        [tls = std::move(*tls), endpoint = std::move(*endpoint)](const http::Request& req) {
            return tls.send(endpoint.host, endpoint.port, req, kAdminTimeout);
        });
    auto reply = client.call(call->post, call->target, call->body);
    if (!reply) {
        std::fprintf(stderr, "tanda admin %s: cannot reach %s: %s\n", sub.c_str(), url.c_str(),
                     reply.error().message.c_str());
        return kExitFailure;
    }
    if (reply->status >= 300) {
        std::fprintf(stderr, "tanda admin %s: %s (HTTP %u)\n", sub.c_str(),
                     admin::describe_refusal(*reply).c_str(), reply->status);
        return kExitFailure;
    }
    std::fputs(admin::pretty_json(reply->body).c_str(), stdout);
    if (!reply->status_token.empty()) {
        // On stderr, so stdout stays the JSON answer; the holder reads GET /status/<token>.
        std::fprintf(stderr, "holder status token (give it to the holder): %s\n",
                     reply->status_token.c_str());
    }
    if (sub == "verify" && reply->body.find("\"ok\":true") == std::string::npos) {
        std::fprintf(stderr,
                     "tanda admin verify: the journal's hash chain is BROKEN or a record "
                     "differs from the journal (see first_bad_seq, first_difference)\n");
        return kExitFailure;
    }
    return kExitOk;
}

}  // namespace tanda::cli
