#pragma once
// The data folder the window suites start from: branch BJ01 (北京示例服务大厅),
// admin, teller1 and super1 (cheap scrypt for speed), the blank token 2100012345
// inserted, and the application's own model over it.

#include <memory>
#include <string>

#include "app/gui_model.h"
#include "common/clock.h"
#include "common/secret.h"
#include "desk/context.h"
#include "tests/support/support.h"
#include "workflows/staff.h"

namespace certdesk::test {

struct GuiDesk {
  TempDir dir;
  SystemClock clock;
  std::unique_ptr<desk::AppContext> ctx;
  std::unique_ptr<app::GuiCounterModel> model;
  workflows::Actor teller, supervisor;   // as added by the admin

  explicit GuiDesk(const std::string& prefix) : dir(prefix) {
    desk::InitOptions o;
    o.branch = "BJ01";
    o.branch_name = "北京示例服务大厅";
    o.admin = "admin";
    o.admin_password = Secret("admin-password-1");
    o.scrypt_log2_n = 10;
    desk::init_data_dir(dir.path() / "data", o, clock);
    ctx = std::make_unique<desk::AppContext>(dir.path() / "data", clock, 10);
    auto admin = ctx->staff().login("admin", Secret("admin-password-1"));
    teller = ctx->staff().add(admin, "teller1", workflows::Role::teller, Secret("teller-password-1"));
    supervisor = ctx->staff().add(admin, "super1", workflows::Role::supervisor, Secret("super-password-1"));
    ctx->insert_blank_token("2100012345");
    model = std::make_unique<app::GuiCounterModel>(*ctx);
  }
};

}  // namespace certdesk::test
