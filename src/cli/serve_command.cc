// kuzot serve: the HTTP server with the JSON API (and, later, the web app).
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "casework/casework.h"
#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/evidence_setup.h"
#include "http/api.h"
#include "http/assets.h"
#include "http/auth_routes.h"
#include "http/casework_routes.h"
#include "http/evidence_routes.h"
#include "http/linkage_routes.h"
#include "http/server.h"
#include "http/stats_routes.h"
#include "http/web_routes.h"

namespace kuzot::cli {

extern const std::vector<std::string_view> kDemoBundles;

namespace {

struct ServeOptions {
  std::string data_dir = "./kuzot-data";
  http::ServerOptions server;
  bool demo = false;
  bool secure_cookies = false;
  uint64_t max_file_bytes = 20ull << 30;  // largest evidence file
  http::WebOptions web;
};

// Loads the demo data set into an empty database.
Status LoadDemo(records::RecordService& records) {
  KUZOT_ASSIGN_OR_RETURN(int64_t events, records.CountRecords("event"));
  if (events > 0) {
    spdlog::info("the database already has records; the demo data is not loaded again");
    return Status::Ok();
  }
  // The parts refer to each other by key, so they are imported as one bundle.
  records::Json merged = {{"format", "kuzot-bundle"},
                          {"version", 1},
                          {"vocabularies", records::Json::array()},
                          {"records", records::Json::array()}};
  for (std::string_view part : kDemoBundles) {
    records::Json bundle = records::Json::parse(part);
    for (const char* list : {"vocabularies", "records"}) {
      if (!bundle.contains(list)) continue;
      for (auto& item : bundle[list]) merged[list].push_back(std::move(item));
    }
  }
  std::string text = merged.dump();
  KUZOT_ASSIGN_OR_RETURN(auto report,
                         records.ImportBundle(std::string_view(text), records::Caller{"demo"}));
  spdlog::info("loaded the demo data: {} records", report.records);
  // Submissions the demo records as sent get their package frozen.
  KUZOT_RETURN_IF_ERROR(casework::CaseworkService(records)
                            .FreezeRecordedSubmissions(Caller::System("demo"))
                            .status());
  return Status::Ok();
}

int Serve(const ServeOptions& options) {
  auto data = OpenDataDirWithKeyring(options.data_dir);
  if (!data.ok()) {
    std::cerr << "kuzot serve: " << data.status().message() << "\n";
    return 1;
  }
  auto& records = data.value().records;
  if (options.demo) {
    Status s = LoadDemo(*records);
    if (!s.ok()) {
      std::cerr << "kuzot serve: cannot load the demo data: " << s.ToString() << "\n";
      return 1;
    }
  }
  auth::AuthService auth(records->store());
  const char* admin_password = std::getenv("KUZOT_ADMIN_PASSWORD");
  auto created = auth.EnsureAdmin(admin_password ? admin_password : "");
  if (!created.ok()) {
    std::cerr << "kuzot serve: cannot create the first administrator: "
              << created.status().ToString() << "\n";
    return 1;
  }
  if (created.value()) {
    // Printed once; it is stored only as an Argon2id hash.
    std::cout << "first start: created user 'admin' with the one-time password " << *created.value()
              << "\n(change it after signing in)" << std::endl;
  }
  http::Router router;
  // Over TLS the session cookie is always Secure.
  bool tls = !options.server.tls_cert_file.empty();
  http::AddAuthRoutes(router, auth, records->store(), {options.secure_cookies || tls});
  http::AddApiRoutes(router, *records);
  std::unique_ptr<evidence::EvidenceService> evidence;
  if (!data.value().keyring) {
    spdlog::warn("evidence files are off: the data directory has no keyring");
  } else {
    auto opened =
        OpenEvidence(options.data_dir, data.value().keyring, *records, options.max_file_bytes);
    if (!opened.ok()) {
      std::cerr << "kuzot serve: " << opened.status().message() << "\n";
      return 1;
    }
    evidence = std::move(opened).value();
    if (options.demo) {
      Status s = LoadDemoEvidence(kDemoBundles, *records, *evidence);
      if (!s.ok()) {
        std::cerr << "kuzot serve: cannot load the demo evidence files: " << s.ToString() << "\n";
        return 1;
      }
    }
  }
  http::AddEvidenceRoutes(router, evidence.get());
  // The record-linkage workbench keeps ids and decisions beside the records.
  auto linkage_store = storage::LinkageStore::Open(
      (std::filesystem::path(options.data_dir) / "linkage.db").string());
  if (!linkage_store.ok()) {
    std::cerr << "kuzot serve: " << linkage_store.status().message() << "\n";
    return 1;
  }
  auto workbench = linkage::Workbench::Create(*records, std::move(linkage_store).value());
  if (!workbench.ok()) {
    std::cerr << "kuzot serve: " << workbench.status().message() << "\n";
    return 1;
  }
  http::AddLinkageRoutes(router, *workbench.value());
  casework::CaseworkService casework(*records);
  http::AddCaseworkRoutes(router, casework);
  stats::StatsService stats(*records);
  http::AddStatsRoutes(router, stats);
  // Counts read every act into memory once; do it before the first request.
  std::thread warm([&stats] {
    Status s = stats.Warm();
    if (!s.ok()) spdlog::warn("statistics not preloaded: {}", s.ToString());
  });
  http::AddWebRoutes(router, *records, options.web);
  http::AddAssetRoutes(router);
  http::Server server(options.server, router);
  Status s = server.Listen();
  if (!s.ok()) {
    warm.join();
    std::cerr << "kuzot serve: " << s.message() << "\n";
    return 1;
  }
  // Tests and scripts read this line to find the port.
  std::cout << "kuzot listening on " << (server.tls() ? "https" : "http") << "://"
            << options.server.address << ":" << server.port() << std::endl;
  server.Run(true);
  warm.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the web application and the JSON API");
  cmd->add_option("--data", options->data_dir, "data directory (created when missing)")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  cmd->add_option("--address", options->server.address,
                  "address to listen on; 0.0.0.0 for every interface")
      ->envname("KUZOT_ADDRESS")
      ->capture_default_str();
  cmd->add_option("--port", options->server.port, "port; 0 picks a free one")
      ->envname("KUZOT_PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--threads", options->server.threads, "worker threads")
      ->envname("KUZOT_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--max-body", options->server.max_body_bytes,
                  "largest JSON request body in bytes")
      ->envname("KUZOT_MAX_BODY")
      ->capture_default_str();
  cmd->add_option("--tls-cert", options->server.tls_cert_file,
                  "serve HTTPS with this certificate chain (PEM); needs --tls-key")
      ->envname("KUZOT_TLS_CERT");
  cmd->add_option("--tls-key", options->server.tls_key_file, "the certificate's private key (PEM)")
      ->envname("KUZOT_TLS_KEY");
  // The connection time limits: whole seconds, up to an hour.
  auto add_timeout = [cmd](const char* name, int& seconds, const char* help, const char* env) {
    cmd->add_option(name, seconds, help)
        ->envname(env)
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
  };
  add_timeout("--header-timeout", options->server.header_timeout_seconds,
              "seconds a client has to send a request's headers", "KUZOT_HEADER_TIMEOUT");
  add_timeout("--request-timeout", options->server.read_timeout_seconds,
              "seconds a client has to send a whole request", "KUZOT_REQUEST_TIMEOUT");
  add_timeout("--keep-alive-timeout", options->server.keep_alive_seconds,
              "seconds an idle kept-alive connection stays open", "KUZOT_KEEP_ALIVE_TIMEOUT");
  add_timeout("--write-timeout", options->server.write_timeout_seconds,
              "seconds a client has to take each megabyte of an answer (downloads)",
              "KUZOT_WRITE_TIMEOUT");
  cmd->add_option("--max-connections", options->server.max_connections,
                  "open connections at most; more are closed at once")
      ->envname("KUZOT_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-connections-per-address", options->server.max_connections_per_address,
                  "open connections at most from one address")
      ->envname("KUZOT_MAX_CONNECTIONS_PER_ADDRESS")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-file-size", options->max_file_bytes,
                  "largest evidence file in bytes; larger uploads are refused before they start")
      ->envname("KUZOT_MAX_FILE_SIZE")
      ->capture_default_str();
  cmd->add_flag("--secure-cookies", options->secure_cookies,
                "mark the session cookie Secure: set it when a TLS proxy serves Kuzot (always with "
                "--tls-cert)")
      ->envname("KUZOT_SECURE_COOKIES");
  AddKeyFileOption(cmd);
  cmd->add_flag("--demo", options->demo,
                "load the demo data set (public facts, fictional victims) into an empty database")
      ->envname("KUZOT_DEMO");
  cmd->add_option("--tile-url", options->web.tile_url,
                  "map tile server for the web application, e.g. "
                  "https://tiles.example.org/{z}/{x}/{y}.png; empty for no tiles")
      ->envname("KUZOT_TILE_URL")
      ->capture_default_str();
  cmd->add_option("--tile-attribution", options->web.tile_attribution,
                  "credit line the map shows for its tiles")
      ->envname("KUZOT_TILE_ATTRIBUTION");
  cmd->callback([options] {
    int rc = Serve(*options);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace kuzot::cli
