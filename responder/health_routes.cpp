#include "responder/health_routes.hpp"

#include "core/time_format.hpp"
#include "responder/crl_service.hpp"

namespace tanda::responder {
namespace {

using http::Field;
using http::Status;

http::Response text_response(const http::Request& req, Status status, std::string body) {
    http::Response res{status, req.version()};
    res.set(Field::content_type, "text/plain; charset=utf-8");
    res.set(Field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

std::optional<std::string> signer_problem(const ServedCa& ca, UnixSeconds now) {
    const auto& cert = ca.signer.certificate();
    if (now < cert.not_before()) {
        return "signer of " + ca.options.name + " not valid before " +
               format_rfc3339(cert.not_before());
    }
    if (now > cert.not_after()) {
        return "signer of " + ca.options.name + " expired at " + format_rfc3339(cert.not_after());
    }
    return std::nullopt;
}

std::optional<std::string> crl_problem(const ServedCa& ca, const CrlService& crls, bool delta,
                                       UnixSeconds now) {
    const std::string what = std::string(delta ? "delta CRL" : "CRL") + " of " + ca.options.name;
    auto crl = crls.find(ca.options.name, delta);
    if (!crl) return what + " not published";
    if (now >= crl->next_update) return what + " past nextUpdate " + format_rfc3339(crl->next_update);
    return std::nullopt;
}

}  // namespace

std::vector<ReadinessCheck> readiness_checks(std::function<std::shared_ptr<const CaRegistry>()> cas,
                                             const storage::RevocationIndex& index,
                                             const CrlService* crls, const Clock& clock) {
    std::vector<ReadinessCheck> checks;
    checks.push_back({"storage", [&index]() -> std::optional<std::string> {
                          // A read transaction: the environment is open and readable.
                          auto stats = index.stats();
                          if (!stats) return stats.error().message;
                          return std::nullopt;
                      }});
    checks.push_back({"signers", [cas, &clock]() -> std::optional<std::string> {
                          auto registry = cas();
                          if (!registry || registry->cas().empty()) return "no CA loaded";
                          const UnixSeconds now = clock.now();
                          for (const auto& ca : registry->cas()) {
                              if (auto p = signer_problem(ca, now)) return p;
                          }
                          return std::nullopt;
                      }});
    if (crls) {
        checks.push_back({"crls", [cas, crls, &clock]() -> std::optional<std::string> {
                              const UnixSeconds now = clock.now();
                              for (const auto& ca : cas()->cas()) {
                                  if (!ca.options.crl.enabled) continue;
                                  if (auto p = crl_problem(ca, *crls, false, now)) return p;
                                  if (!ca.options.crl.delta.enabled) continue;
                                  if (auto p = crl_problem(ca, *crls, true, now)) return p;
                              }
                              return std::nullopt;
                          }});
    }
    return checks;
}

void add_health_routes(http::Router& router, std::vector<ReadinessCheck> checks) {
    router.exact("/healthz", {http::Verb::get},
                 [](const http::Request& req, const http::RequestContext&) {
                     return text_response(req, Status::ok, "ok\n");
                 });
    router.exact("/readyz", {http::Verb::get},
                 [checks = std::move(checks)](const http::Request& req,
                                              const http::RequestContext&) {
                     std::string body;
                     bool ready = true;
                     for (const auto& check : checks) {
                         auto problem = check.problem();
                         ready = ready && !problem;
                         body += check.name + ": " + (problem ? *problem : "ok") + "\n";
                     }
                     return text_response(req, ready ? Status::ok : Status::service_unavailable,
                                          std::move(body));
                 });
}

}  // namespace tanda::responder
