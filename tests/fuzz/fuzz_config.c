/* libFuzzer harness: the YAML config loader (parse, validate, expand) against
 * the real plugins. Any input must give LNB_OK or a clean error, never a
 * crash, leak or sanitizer report. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "registry.h"

static lnb_registry reg;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!loaded) {
    memset(&reg, 0, sizeof reg);
    lnb_registry_load_path(&reg, LNB_FUZZ_PLUGIN_DIR);
    loaded = 1;
  }
  lnb_config cfg;
  lnb_error err;
  int rc = lnb_config_load_string((const char *)data, size, "fuzz.yaml", &reg, &cfg, &err);
  if (rc == LNB_OK) {
    /* a valid config must describe at least one run and carry a name */
    if (lnb_config_run_count(&cfg) == 0 || !cfg.name) abort();
    lnb_config_free(&cfg);
  } else if (err.msg[0] == '\0') {
    abort(); /* every refusal says why */
  }
  return 0;
}
