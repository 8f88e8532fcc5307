#pragma once
// Repositories: plain structs in and out, one small class per table. Every
// write runs inside the caller's Transaction. Lookups return std::optional;
// constraint violations throw DbError (duplicate → codes::duplicate).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace certdesk::db {

using Id = std::int64_t;

// ---- organisations and handlers -------------------------------------------
struct Organisation {
  Id id = 0;
  std::string name;
  std::string uscc;   // 18-character USCC or legacy 9-character organisation code; unique
  std::string created_utc;
};

struct Handler {
  Id id = 0;
  Id organisation_id = 0;
  std::string name;
  std::string id_number;   // normalised 18 characters
};

class Organisations {
 public:
  explicit Organisations(Database& db) : db_(db) {}
  Id insert(const Organisation& o);                      // returns the new id
  std::optional<Organisation> by_id(Id id);
  std::optional<Organisation> by_uscc(const std::string& uscc);
  // Name contains text, or USCC starts with it; at most limit rows, by name.
  std::vector<Organisation> search(const std::string& text, int limit = 50);
  // Finds or inserts the handler (organisation_id, id_number); updates the name.
  Id upsert_handler(const Handler& h);
  std::optional<Handler> handler(Id id);
  std::vector<Handler> handlers_of(Id organisation_id);

 private:
  Database& db_;
};

// ---- staff ------------------------------------------------------------------
struct StaffMember {
  Id id = 0;
  std::string name;            // unique login name
  std::string role;            // "teller" | "supervisor" | "admin"
  std::string password_hash;   // crypto::hash_password encoding; never the password
  bool active = true;
  std::string created_utc;
};

class Staff {
 public:
  explicit Staff(Database& db) : db_(db) {}
  Id insert(const StaffMember& s);
  std::optional<StaffMember> by_name(const std::string& name);
  std::optional<StaffMember> by_id(Id id);
  std::vector<StaffMember> all();
  std::int64_t count();
  void set_password_hash(Id id, const std::string& hash);
  void set_active(Id id, bool active);

 private:
  Database& db_;
};

// ---- tokens and certificates -----------------------------------------------
struct TokenRecord {
  Id id = 0;
  std::string serial;                     // unique
  std::optional<Id> organisation_id;
  std::string state;                      // workflows::TokenState as text
  std::string label;
  std::string vendor;
  std::string updated_utc;
};

struct CertificateRecord {
  Id id = 0;
  std::string serial;                     // lower-case hex, unique
  Id organisation_id = 0;
  std::string token_serial;
  std::string subject;                    // one-line RFC 2253 text
  std::int64_t not_before = 0;            // Unix seconds
  std::int64_t not_after = 0;
  std::string key_id;                     // CKA_ID, hex
  std::string status = "valid";           // "valid" | "revoked"
  std::optional<std::int64_t> revoked_at;
  std::string revocation_reason;          // "keyCompromise" | "superseded" | "cessationOfOperation" | …
  std::optional<Id> order_id;
  std::vector<std::uint8_t> der;
};

class Tokens {
 public:
  explicit Tokens(Database& db) : db_(db) {}
  // Inserts or updates the row with this serial; returns its id.
  Id upsert(const TokenRecord& t);
  std::optional<TokenRecord> by_serial(const std::string& serial);
  std::vector<TokenRecord> of_organisation(Id organisation_id);
  void set_state(const std::string& serial, const std::string& state, const std::string& updated_utc);

 private:
  Database& db_;
};

class Certificates {
 public:
  explicit Certificates(Database& db) : db_(db) {}
  Id insert(const CertificateRecord& c);
  std::optional<CertificateRecord> by_serial(const std::string& serial);
  std::vector<CertificateRecord> of_organisation(Id organisation_id);     // newest first
  std::vector<CertificateRecord> valid_of_organisation(Id organisation_id);
  std::vector<CertificateRecord> on_token(const std::string& token_serial);
  void mark_revoked(const std::string& serial, std::int64_t at, const std::string& reason);
  std::vector<CertificateRecord> all();

 private:
  Database& db_;
};

// ---- service orders ---------------------------------------------------------
struct ServiceOrder {
  Id id = 0;
  std::string flow;                 // "issue" | "reissue" | "unlock" | "update" | "replace" | "cancel" | …
  std::string state;                // workflows::OrderState as text
  std::string step;                 // the last durable step inside the state, e.g. "token.keygen"
  std::optional<Id> organisation_id;
  std::optional<Id> handler_id;
  std::string token_serial;
  Id staff_id = 0;                  // the teller who runs it
  std::string request_key;          // SHA-256 of the request: the same request twice is one order; unique
  std::string request_json;         // what the teller typed and ticked; never a PIN
  std::string data_json;            // step results needed to resume or roll back (key id, cert serial …)
  std::string error_code;
  std::string created_utc;
  std::string updated_utc;
};

class Orders {
 public:
  explicit Orders(Database& db) : db_(db) {}
  Id insert(const ServiceOrder& o);
  std::optional<ServiceOrder> by_id(Id id);
  std::optional<ServiceOrder> by_request_key(const std::string& key);
  // Writes state, step, data_json, error_code, token_serial, organisation/handler ids and updated_utc.
  void update(const ServiceOrder& o);
  // Orders not in completed / cancelled / failed, oldest first.
  std::vector<ServiceOrder> unfinished();
  std::vector<ServiceOrder> recent(int limit = 100);
  std::vector<ServiceOrder> of_organisation(Id organisation_id);

 private:
  Database& db_;
};

// ---- document checks -------------------------------------------------------
struct DocumentCheck {
  Id id = 0;
  Id order_id = 0;
  std::string item;                 // "application_form" | "org_code_copy" | "handler_id_copy" | "token" | …
  bool present = false;
  bool stamped = false;
  std::string values_json;          // values read from it, e.g. {"business_type":"issue"}
  std::string override_reason;      // a supervisor's reason when a missing item was overridden
  std::optional<Id> override_by;
  std::string scan_sha256;          // of an attached scan, when one was attached
};

class DocumentChecks {
 public:
  explicit DocumentChecks(Database& db) : db_(db) {}
  void insert(const DocumentCheck& d);
  std::vector<DocumentCheck> of_order(Id order_id);

 private:
  Database& db_;
};

// ---- money -------------------------------------------------------------------
struct Fee {
  std::string item;                 // "token" | "service.issue" | "service.update" | …
  std::int64_t amount_fen = 0;
  std::string description;
};

class FeeSchedule {
 public:
  explicit FeeSchedule(Database& db) : db_(db) {}
  std::optional<Fee> get(const std::string& item);
  std::vector<Fee> all();
  void set(const Fee& f);           // insert or replace

 private:
  Database& db_;
};

struct Payment {
  Id id = 0;
  Id order_id = 0;
  std::string receipt_no;           // "BJ01-W01-2026-000123"; unique
  std::string method;               // "cash" | "card" | "transfer" | "waived"
  std::string payer;                // organisation name
  std::string item;                 // text printed on the receipt
  std::int64_t quantity = 1;
  std::int64_t unit_fen = 0;
  std::int64_t amount_fen = 0;
  Id teller_id = 0;
  std::string created_utc;
  std::string invoice_no;           // tax invoice number, when the hall issued one
  std::string status = "issued";    // "issued" | "voided"
  std::string void_reason;
  std::optional<Id> voided_by;
  std::string journal_hash;         // hash of the journal entry that recorded the payment
  std::int64_t print_count = 0;
};

class Payments {
 public:
  explicit Payments(Database& db) : db_(db) {}
  // Takes the next number of the series (branch, workstation, year):
  // "BJ01-W01-2026-000123", unique across the hall because each counter has its
  // own series. Gap-free: call it inside the payment's Transaction, so a
  // rolled-back payment gives its number back.
  std::string next_receipt_no(const std::string& branch, const std::string& workstation, int year);
  Id insert(const Payment& p);
  std::optional<Payment> by_receipt_no(const std::string& receipt_no);
  std::vector<Payment> of_order(Id order_id);
  void set_journal_hash(Id id, const std::string& hash);
  void mark_voided(const std::string& receipt_no, const std::string& reason, Id by);
  void count_print(const std::string& receipt_no);

 private:
  Database& db_;
};

// ---- settings ---------------------------------------------------------------
// Key/value settings (branch code, module path, renewal window, key algorithm …).
// Never a secret: PINs and keys live in the data folder's secrets/, mode 0600.
class Settings {
 public:
  explicit Settings(Database& db) : db_(db) {}
  std::optional<std::string> get(const std::string& key);
  std::string get_or(const std::string& key, const std::string& fallback);
  std::int64_t get_int(const std::string& key, std::int64_t fallback);
  void set(const std::string& key, const std::string& value);

 private:
  Database& db_;
};

}  // namespace certdesk::db
