// kuzot user add|passwd|disable|enable|list and kuzot verify: work on the
// database directly, as the operator of the machine.
#include <unistd.h>

#include <iostream>

#include "auth/auth.h"
#include "cli/commands.h"
#include "cli/data_dir.h"

namespace kuzot::cli {
namespace {

struct UserOptions {
  std::string data_dir = "./kuzot-data";
  std::string username;
  std::string role = "documenter";
  std::string display_name;
};

// Reads a password from KUZOT_PASSWORD or, on a terminal, asks twice
// without echo.
std::string ReadPassword() {
  if (const char* env = std::getenv("KUZOT_PASSWORD")) return env;
  if (!isatty(STDIN_FILENO)) {
    std::string line;
    std::getline(std::cin, line);
    return line;
  }
  std::string first(getpass("password: "));
  std::string second(getpass("again: "));
  if (first != second) {
    std::cerr << "the two passwords differ\n";
    return {};
  }
  return first;
}

int Fail(const std::string& what, const Status& s) {
  std::cerr << "kuzot " << what << ": " << (s.field().empty() ? "" : s.field() + ": ")
            << s.message() << "\n";
  return 1;
}

}  // namespace

void AddUserCommands(CLI::App& app) {
  auto o = std::make_shared<UserOptions>();
  CLI::App* user = app.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  auto data = [o](CLI::App* c) {
    c->add_option("--data", o->data_dir, "data directory")->envname("KUZOT_DATA")->capture_default_str();
    AddKeyFileOption(c);
  };
  Caller operator_caller = Caller::System("operator");

  CLI::App* add = user->add_subcommand("add", "Create an account (password from KUZOT_PASSWORD or asked)");
  data(add);
  add->add_option("USERNAME", o->username)->required();
  add->add_option("--role", o->role, "admin, coordinator, documenter, lawyer, analyst or viewer")
      ->capture_default_str();
  add->add_option("--name", o->display_name, "display name");
  add->callback([o, operator_caller] {
    auto records = OpenDataDir(o->data_dir);
    if (!records.ok()) throw CLI::RuntimeError(Fail("user add", records.status()));
    auth::AuthService auth(records.value()->store());
    auto u = auth.CreateUser(operator_caller, o->username, ReadPassword(), o->role, o->display_name);
    if (!u.ok()) throw CLI::RuntimeError(Fail("user add", u.status()));
    std::cout << "created " << u->username << " (" << u->role << ")\n";
  });

  CLI::App* passwd = user->add_subcommand("passwd", "Set an account's password");
  data(passwd);
  passwd->add_option("USERNAME", o->username)->required();
  passwd->callback([o, operator_caller] {
    auto records = OpenDataDir(o->data_dir);
    if (!records.ok()) throw CLI::RuntimeError(Fail("user passwd", records.status()));
    auth::AuthService auth(records.value()->store());
    Status s = auth.SetPassword(operator_caller, o->username, ReadPassword());
    if (!s.ok()) throw CLI::RuntimeError(Fail("user passwd", s));
    std::cout << "password changed; the account's sessions are ended\n";
  });

  for (bool disable : {true, false}) {
    CLI::App* c = user->add_subcommand(disable ? "disable" : "enable",
                                       disable ? "Disable an account" : "Enable an account");
    data(c);
    c->add_option("USERNAME", o->username)->required();
    c->callback([o, operator_caller, disable] {
      auto records = OpenDataDir(o->data_dir);
      if (!records.ok()) throw CLI::RuntimeError(Fail("user", records.status()));
      auth::AuthService auth(records.value()->store());
      auto u = auth.UpdateUser(operator_caller, o->username, std::nullopt, disable, std::nullopt);
      if (!u.ok()) throw CLI::RuntimeError(Fail("user", u.status()));
      std::cout << u->username << (disable ? " disabled\n" : " enabled\n");
    });
  }

  CLI::App* list = user->add_subcommand("list", "List accounts");
  data(list);
  list->callback([o] {
    auto records = OpenDataDir(o->data_dir);
    if (!records.ok()) throw CLI::RuntimeError(Fail("user list", records.status()));
    auth::AuthService auth(records.value()->store());
    auto users = auth.ListUsers();
    if (!users.ok()) throw CLI::RuntimeError(Fail("user list", users.status()));
    for (const auto& u : users.value()) {
      std::cout << u.username << "\t" << u.role << "\t" << (u.disabled ? "disabled" : "active")
                << "\t" << u.display_name << "\n";
    }
  });

  auto verify_dir = std::make_shared<std::string>("./kuzot-data");
  CLI::App* verify = app.add_subcommand(
      "verify", "Check the audit log's hash chain; report the first broken entry");
  verify->add_option("--data", *verify_dir, "data directory")->envname("KUZOT_DATA")->capture_default_str();
  AddKeyFileOption(verify);
  verify->callback([verify_dir] {
    auto records = OpenDataDir(*verify_dir);
    if (!records.ok()) throw CLI::RuntimeError(Fail("verify", records.status()));
    auto tx = records.value()->store().BeginRead();
    if (!tx.ok()) throw CLI::RuntimeError(Fail("verify", tx.status()));
    auto verdict = tx.value()->VerifyAudit();
    if (!verdict.ok()) throw CLI::RuntimeError(Fail("verify", verdict.status()));
    bool broken = !verdict->intact;
    if (broken) {
      std::cout << "audit log: BROKEN at entry " << verdict->broken_seq << ": " << verdict->problem
                << "\n";
      std::cerr << "kuzot verify: the audit log was tampered with\n";
    } else {
      // Kept elsewhere, this line also shows a later rollback of the whole file.
      std::cout << "audit log: intact, " << verdict->entries << " entries; last "
                << verdict->last_hash << "\n";
    }
    tx.value().reset();
    if (VerifyEvidenceFiles(*verify_dir, *records.value()) != 0) broken = true;
    if (broken) throw CLI::RuntimeError(2);
  });
}

}  // namespace kuzot::cli
