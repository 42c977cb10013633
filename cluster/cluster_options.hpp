// Options of the `cluster` section (config/ fills it, cluster/ applies it); a plain struct, so
// config/ needs neither libnats nor the cluster's interface. Without the section (enabled false)
// Tanda is the single embedded node.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace tanda::cluster {

struct ClusterOptions {
    bool enabled = false;
    std::string location;              // file:line of the section, for messages
    std::string node;                  // this node's name: logs, the NATS connection name
    std::vector<std::string> servers;  // nats:// or tls:// URLs of the NATS servers
    // NATS TLS: the CA that signs the servers' certificates, and this node's client certificate
    // and key (all optional; with `ca` alone the servers are verified, the node is not).
    std::string tls_ca;
    std::string tls_cert;
    std::string tls_key;
    std::string credentials;       // a NATS .creds file (JWT and NKey seed), optional
    std::string stream = "TANDA";  // the JetStream stream holding the journal
    int replicas = 3;              // its replica count: 3 in production, 1 for a single server
    // A node further behind the stream than this, or without the stream for this long, fails
    // /readyz, so a load balancer stops sending it questions it might answer from an old state.
    std::chrono::seconds max_lag{5};
    // How long a write waits to be stored on a quorum before it fails as unavailable.
    std::chrono::seconds write_timeout{5};
    // The CRL publisher lease of a CA lapses this long after its holder last renewed it
    // (renewed every third of it): how long CRLs go unsigned after the publisher dies.
    std::chrono::seconds crl_lease{10};
};

}  // namespace tanda::cluster
