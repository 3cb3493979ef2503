/* report_html.c — see report_html.h. */
#define _POSIX_C_SOURCE 200809L
#include "report_html.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host.h"
#include "outdir.h"
#include "plot.h"
#include "plot_style.h"
#include "ecdf.h"
#include "profile.h"
#include "report.h"
#include "results.h"
#include "table.h"

/* ------------------------------------------------------------- output */

/* s with & < > " ' as character references (s is already free of control
 * characters: lnb__text_dup escaped them when it was read) */
static void esc(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

/* a number cell: data-v carries the value for sorting */
static void num_td(FILE *f, double v, const char *fmt) {
  if (isnan(v)) {
    fputs("<td data-v=\"\">—</td>", f);
    return;
  }
  if (isinf(v)) {
    fprintf(f, "<td data-v=\"%sInfinity\">%s∞</td>", v < 0 ? "-" : "", v < 0 ? "−" : "");
    return;
  }
  fprintf(f, "<td data-v=\"%.17g\">", v);
  fprintf(f, fmt, v);
  fputs("</td>", f);
}

static void swatch(FILE *f, size_t style) {
  const char *da = lnb_plot_dasharray(style);
  fprintf(f, "<svg class=\"sw\" width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"1\" "
             "y1=\"5\" x2=\"27\" y2=\"5\" stroke=\"%s\" stroke-width=\"3\"%s%s%s/></svg>",
          lnb_plot_color(style), da[0] ? " stroke-dasharray=\"" : "", da, da[0] ? "\"" : "");
}

/* a model as every table and drill-down shows it: its style swatch (its place
 * among allm, the directory's labels) and its label as code */
static void model_label(FILE *f, const char *const *allm, size_t nall, const char *model) {
  swatch(f, lnb_plot_style_index(allm, nall, model));
  fputs("<code>", f);
  esc(f, model);
  fputs("</code>", f);
}

static void b64(FILE *f, const unsigned char *p, size_t n) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    fputc(t[v >> 18 & 63], f);
    fputc(t[v >> 12 & 63], f);
    fputc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
    fputc(i + 2 < n ? t[v & 63] : '=', f);
  }
}

/* a file's bytes (caller frees), NULL when it cannot be read; links refused */
static unsigned char *slurp(const char *path, size_t *n) {
  lnb_error e = {0};
  int fd = lnb_open_plain(NULL, path, O_RDONLY, &e);
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0, got;
  unsigned char *b = malloc(cap);
  while (b && (got = fread(b + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      unsigned char *nb = realloc(b, cap *= 2);
      if (!nb) free(b);
      b = nb;
    }
  }
  fclose(f);
  *n = len;
  return b;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "DIR/plots/NAME.svg\n" for every .svg in DIR/plots, sorted (a listing as
 * `plot` prints it; plots_section keeps only names plot.c could write) */
static int list_svgs(const char *dir, char **listing) {
  char *pd = lnb_path_join(dir, "plots");
  size_t len = 0, n = 0, cap = 0;
  char **names = NULL;
  FILE *f = open_memstream(listing, &len);
  if (!pd || !f) {
    free(pd);
    if (f) fclose(f);
    return -1;
  }
  DIR *d = opendir(pd);
  struct dirent *de;
  int rc = 0;
  while (d && (de = readdir(d)) != NULL) {
    size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 4, ".svg") != 0) continue;
    if (n == cap) {
      char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *nn);
      if (!nn) {
        rc = -1;
        break;
      }
      names = nn;
    }
    if (!(names[n] = strdup(de->d_name))) {
      rc = -1;
      break;
    }
    n++;
  }
  if (d) closedir(d);
  if (rc == 0 && n) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    if (rc == 0) fprintf(f, "%s/%s\n", pd, names[i]);
    free(names[i]);
  }
  free(names);
  free(pd);
  if (fclose(f) != 0 || !*listing) rc = -1;
  return rc;
}

/* ----------------------------------------------------------- sections */

static const char style_css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}"
    "header{background:#1d3557;color:#fff;padding:14px 24px}header h1{margin:0;font-size:22px}"
    "main{padding:8px 24px 40px;max-width:1400px}h2{border-bottom:2px solid #1d3557;"
    "padding-bottom:3px;margin-top:32px}h3{margin-top:22px}"
    "table{border-collapse:collapse;margin:8px 0;background:#fff;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef1f5}table.sortable th{cursor:pointer;user-select:none}"
    "table.sortable th:after{content:' \\2195';color:#999}td[data-v]{text-align:right;"
    "font-variant-numeric:tabular-nums}tr.base td{background:#f4f8e8}"
    "dl.kv{display:grid;grid-template-columns:repeat(3,max-content minmax(8em,1fr));gap:2px 10px;"
    "background:#fff;border:1px solid #ddd;padding:8px;font-size:13px}dl.kv dt{font-weight:600;"
    "color:#444}dl.kv dd{margin:0;word-break:break-all}"
    ".counts span{display:inline-block;margin:0 8px 6px 0;padding:3px 10px;border-radius:12px;"
    "background:#e8edf3}.sw{vertical-align:middle;"
    "margin-right:6px}code{font-size:12px;word-break:break-all}"
    ".bad{color:#b00020}"
    "figure{margin:12px 0;background:#fff;border:1px solid #ddd;padding:6px;display:inline-block;"
    "max-width:100%}figure img{max-width:100%;height:auto}figcaption{font-size:12px;color:#555}"
    "details{margin:4px 0 8px;background:#fff;border:1px solid #ddd;padding:4px 8px}"
    "summary{cursor:pointer}pre{white-space:pre-wrap;font-size:12px;background:#fff;"
    "border:1px solid #ddd;padding:8px;max-height:360px;overflow:auto}"
    "nav a{margin-right:12px}.note{color:#555;font-size:13px}.nw{white-space:nowrap}"
    ".edge{color:#a15c00;font-weight:600;white-space:nowrap}";

/* Sorting: a click on a header sorts the body rows by that column (numbers
 * by data-v, else text), a second click reverses. On success the page is
 * marked data-report="ready" (the browser test reads it). */
static const char script_js[] =
    "(function(){"
    "function key(td){if(!td)return '';var v=td.getAttribute('data-v');"
    "if(v!==null)return v===''?NaN:Number(v);return td.textContent.trim();}"
    "function cmp(a,b){var an=typeof a==='number',bn=typeof b==='number';"
    "if(an&&bn){if(isNaN(a))return isNaN(b)?0:1;if(isNaN(b))return -1;return a<b?-1:a>b?1:0;}"
    "return String(a).localeCompare(String(b));}"
    "var ts=document.querySelectorAll('table.sortable');"
    "ts.forEach(function(t){var hs=t.querySelectorAll('thead th');"
    "hs.forEach(function(h,i){h.addEventListener('click',function(){"
    "var tb=t.tBodies[0],rows=Array.prototype.slice.call(tb.rows);"
    "var d=h.getAttribute('data-dir')==='asc'?-1:1;"
    "hs.forEach(function(o){o.removeAttribute('data-dir');});"
    "h.setAttribute('data-dir',d>0?'asc':'desc');"
    "rows.sort(function(a,b){return d*cmp(key(a.cells[i]),key(b.cells[i]));});"
    "rows.forEach(function(r){tb.appendChild(r);});});});});"
    /* #selftest: sort the first table by its 7th column (median iterations to
     * target) and record the order, for the browser test */
    "if(location.hash==='#selftest'&&ts.length){var t0=ts[0],h7=t0.querySelectorAll('thead th')[6];"
    "if(h7){h7.click();var vs=[];Array.prototype.forEach.call(t0.tBodies[0].rows,function(r){"
    "vs.push(r.cells[6].getAttribute('data-v'));});"
    "document.documentElement.setAttribute('data-selftest',vs.join(' '));}}"
    "document.documentElement.setAttribute('data-report','ready');"
    "document.documentElement.setAttribute('data-tables',String(ts.length));"
    "document.documentElement.setAttribute('data-figures',"
    "String(document.querySelectorAll('figure img').length));"
    "})();";

static void kv(FILE *f, const char *k, const char *v) {
  fputs("<dt>", f);
  esc(f, k);
  fputs("</dt><dd>", f);
  esc(f, v && v[0] && strcmp(v, "null") != 0 ? v : "—");
  fputs("</dd>\n", f);
}

/* the invocations before the last one (a directory grown by --resume),
 * oldest first, each with the runs it finished */
static void history_table(FILE *f, const char *json) {
  size_t n = strlen(json) + 1;
  char *e = malloc(n), v[1024];
  lnb_history_iter it;
  lnb_results_history_begin(json, &it);
  if (!e || lnb_results_history_next(&it, e, n) != 0) {
    free(e);
    return;
  }
  static const char *const cols[][2] = {
      {"date_utc", "date (UTC)"}, {"git_commit", "git commit"}, {"git_dirty", "uncommitted"},
      {"state", "state"},         {"wall_seconds", "wall s"},   {"run_ids", "runs finished"},
      {"command", "command"}};
  fputs("<details><summary>earlier invocations (the directory was grown with --resume): "
        "which commit and command produced which runs</summary>\n<table><thead><tr>",
        f);
  for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
    fputs("<th>", f);
    esc(f, cols[c][1]);
    fputs("</th>", f);
  }
  fputs("</tr></thead><tbody>\n", f);
  /* lnnbench keeps at most 1000; a longer list is not its own */
  int more = 1;
  for (size_t k = 0; more && k < 1000; k++) {
    fputs("<tr>", f);
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
      lnb_results_manifest_field(e, cols[c][0], v, sizeof v);
      fputs(c == 1 || c == 6 ? "<td><code>" : "<td>", f);
      esc(f, v[0] && strcmp(v, "null") != 0 ? v : "—");
      fputs(c == 1 || c == 6 ? "</code></td>" : "</td>", f);
    }
    fputs("</tr>\n", f);
    more = lnb_results_history_next(&it, e, n) == 0;
  }
  fputs("</tbody></table>", f);
  if (more)
    fputs("<p class=\"note\">(more than 1000 listed: the rest left out)</p>", f);
  fputs("</details>\n", f);
  free(e);
}

static void summary_section(FILE *f, const lnb_rset *s, const char *json) {
  static const char *const keys[][2] = {
      {"config_name", "config"},          {"config_path", "config file"},
      {"config_hash", "config hash"},     {"command", "command"},
      {"git_commit", "git commit"},       {"git_dirty", "uncommitted changes"},
      {"lnnbench_version", "lnnbench"},   {"compiler", "compiler"},
      {"build_type", "build type"},       {"c_flags", "C flags"},
      {"blis_version", "BLIS"},           {"blis_threads", "BLIS threads"},
      {"cpu_model", "CPU"},               {"cpu_count", "CPUs"},
      {"hostname", "host"},               {"date_utc", "date (UTC)"},
      {"seeds", "seeds"},                 {"select_best_by", "select.best_by"},
      {"report_baseline", "baseline"},    {"target_gap", "stop.target_gap"},
      {"max_iters", "stop.max_iters"},    {"max_seconds", "stop.max_seconds"},
      {"jobs", "jobs"},                   {"state", "state"},
      {"runs_total", "runs"},             {"wall_seconds", "wall seconds"}};
  fputs("<section id=\"summary\"><h2>What ran</h2>\n<p class=\"counts\">", f);
  size_t cnt[LNB_RUN_STATUS_COUNT] = {0};
  for (size_t r = 0; r < s->nrows; r++)
    if ((unsigned)s->rows[r].status < LNB_RUN_STATUS_COUNT) cnt[s->rows[r].status]++;
  fprintf(f, "<span><b>%zu</b> runs recorded</span>", s->nrows);
  for (int k = 0; k < LNB_RUN_STATUS_COUNT; k++)
    fprintf(f, "<span%s>%s: <b>%zu</b></span>",
            (k == LNB_RUN_ERROR || k == LNB_RUN_CRASHED) && cnt[k] ? " class=\"bad\"" : "",
            lnb_run_status_name((lnb_run_status)k), cnt[k]);
  fputs("</p>\n<dl class=\"kv\">\n", f);
  char v[1024];
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    lnb_results_manifest_field(json, keys[i][0], v, sizeof v);
    if (strcmp(keys[i][0], "target_gap") == 0 && s->has_target)
      snprintf(v, sizeof v, "%g", s->target_gap);
    if (v[0]) kv(f, keys[i][1], v);
  }
  fputs("</dl>\n", f);
  history_table(f, json);
  size_t tn = strlen(json) + 1;
  char *text = malloc(tn);
  if (text) {
    lnb_results_manifest_field(json, "config_text", text, tn);
    if (text[0]) {
      fputs("<details><summary>config text</summary><pre>", f);
      /* the field comes with newlines as \x0A (control characters escaped) */
      for (char *p = text; *p;) {
        char *nl = strstr(p, "\\x0A");
        if (nl) *nl = '\0';
        esc(f, p);
        if (!nl) break;
        fputc('\n', f);
        p = nl + 4;
      }
      fputs("</pre></details>\n", f);
    }
    free(text);
  }
  fputs("</section>\n", f);
}

static void table_section(FILE *f, const lnb_rset *s, const lnb_table *t, const char *const *allm,
                          size_t nall) {
  fputs("<section id=\"tables\"><h2>Head-to-head</h2>\n<p class=\"note\">One row per model at "
        "the tuned setting <code>", f);
  esc(f, s->best_by);
  fputs("</code> picks; medians over seeds (an unreached target counts as ∞). Click a column "
        "to sort.", f);
  if (s->baseline[0]) {
    fputs(" Speed-up: the baseline's median ", f);
    fputs(lnb_quantity_label(s->best_by), f);
    fputs(" over the model's; the baseline row is shaded.", f);
  }
  fputs("</p>\n", f);
  size_t pi = 0;
  for (size_t i = 0; i < t->n;) {
    const char *problem = t->entries[i].problem;
    size_t j = i;
    while (j < t->n && strcmp(t->entries[j].problem, problem) == 0) j++;
    pi++;
    fprintf(f, "<h3 id=\"p%zu\">p%zu: <code>", pi, pi);
    esc(f, problem);
    fputs("</code></h3>\n<table class=\"sortable\"><thead><tr><th>model</th><th>tuned</th>"
          "<th>seeds</th><th>reached</th><th>diverged</th><th>failed</th>"
          "<th>median iters to target</th><th>median s to target</th>"
          "<th>median final gap</th><th>median final loss</th><th>median s/iter</th>", f);
    int hasb = t->entries[i].has_baseline;
    if (hasb) fputs("<th>speed-up</th>", f);
    if (t->has_test_acc) fputs("<th>median test accuracy</th>", f);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t k = i; k < j; k++) {
      const lnb_table_entry *e = &t->entries[k];
      fprintf(f, "<tr%s><td>", e->is_baseline ? " class=\"base\"" : "");
      model_label(f, allm, nall, e->model);
      if (e->is_baseline) fputs(" (baseline)", f);
      fputs("</td><td class=\"nw\"><code>", f);
      esc(f, e->tuned[0] ? e->tuned : "—");
      fputs("</code>", f);
      if (e->edge[0]) {
        fputs(" <span class=\"edge\" title=\"the best ", f);
        esc(f, e->edge);
        fputs(" is the smallest or largest value searched: the best may lie beyond the "
              "grid\">⚠ edge</span>", f);
      }
      fputs("</td>", f);
      num_td(f, (double)e->n, "%.0f");
      num_td(f, (double)e->reached, "%.0f");
      num_td(f, (double)e->diverged, "%.0f");
      num_td(f, (double)e->failed, "%.0f");
      num_td(f, e->med_iters, "%.6g");
      num_td(f, e->med_seconds, "%.3g");
      num_td(f, e->med_gap, "%.3g");
      num_td(f, e->med_loss, "%.6g");
      num_td(f, e->med_spi, "%.3g");
      if (hasb) num_td(f, e->speedup, "%.2f×");
      if (t->has_test_acc) num_td(f, e->med_test_acc, "%.4f");
      fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    i = j;
  }
  fputs("</section>\n", f);
}

static int profile_section(FILE *f, const lnb_rset *s, const char *const *allm, size_t nall) {
  lnb_profile p;
  if (lnb_profile_compute(s->rows, s->nrows, s->best_by, &p) != 0) return -1;
  if (p.nprob >= 2 && s->has_target) {
    fprintf(f, "<section id=\"profile\"><h2>Performance profile</h2>\n<p class=\"note\">The "
               "fraction of the %zu problems on which a model's median time to target is within "
               "τ times the fastest model's (Dolan and Moré 2002).</p>\n<table class=\"sortable\">"
               "<thead><tr><th>model</th>", p.nprob);
    for (size_t k = 0; k < lnb_profile_ntaus; k++) fprintf(f, "<th>τ=%g</th>", lnb_profile_taus[k]);
    fputs("<th>τ=∞</th></tr></thead><tbody>\n", f);
    for (size_t m = 0; m < p.nmodels; m++) {
      fputs("<tr><td>", f);
      model_label(f, allm, nall, p.models[m]);
      fputs("</td>", f);
      for (size_t k = 0; k < lnb_profile_ntaus; k++)
        num_td(f, lnb_profile_rho(&p, m, lnb_profile_taus[k]), "%.2f");
      num_td(f, lnb_profile_rho(&p, m, INFINITY), "%.2f");
      fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
  }
  lnb_profile_free(&p);
  return 0;
}

/* the multi-target ECDF (ecdf.h) at a few budgets; its curves are the
 * ecdf_* plots */
static int ecdf_section(FILE *f, const lnb_rset *s, const char *dir, const char *const *allm,
                        size_t nall) {
  fputs("<section id=\"ecdf\"><h2>ECDF over targets</h2>\n", f);
  lnb_ecdf_hits *hits;
  size_t nh;
  lnb_error err = {0};
  int rc = lnb_ecdf_hits_read(dir, &hits, &nh, &err);
  if (rc == LNB_ENOMEM) return -1;
  if (rc != LNB_OK) {
    fputs("<p class=\"note\">No ECDF: ", f);
    fputs(rc == LNB_ENOENT ? "the directory has no trajectories.csv, where the first checkpoint "
                             "reaching each target is read from."
                           : "trajectories.csv could not be read.", f);
    fputs("</p></section>\n", f);
    return 0;
  }
  lnb_ecdf e;
  if (lnb_ecdf_compute(s->rows, s->nrows, s->best_by, s->has_target, s->target_gap, hits, nh,
                       &e) != 0) {
    free(hits);
    return -1;
  }
  free(hits);
  if (e.npairs == 0) {
    fputs("<p class=\"note\">No ECDF: no run recorded a gap at or below 1e-1 (the gap needs a "
          "known optimum).</p></section>\n", f);
    lnb_ecdf_free(&e);
    return 0;
  }
  fprintf(f, "<p class=\"note\">The fraction of %zu (problem, target) pairs over %zu "
             "problem%s each model, at its best tuned setting, reaches within a budget of "
             "iterations or seconds (median over seeds of the first checkpoint with gap ≤ "
             "target; targets: the gaps 1e-1 … 1e-8 at or above the stop target and the "
             "smallest gap recorded on the problem). Curves: the ecdf_ plots.</p>\n"
             "<table class=\"sortable\"><thead><tr><th>model</th>",
          e.npairs, e.nprob, e.nprob == 1 ? "" : "s");
  double b[2][5];
  size_t nb[2];
  for (int u = 0; u < 2; u++) {
    nb[u] = lnb_ecdf_budgets(&e, u, b[u], 5);
    for (size_t k = 0; k < nb[u]; k++) fprintf(f, "<th>≤ %g %s</th>", b[u][k], u ? "s" : "iters");
  }
  fputs("<th>ever</th></tr></thead><tbody>\n", f);
  for (size_t m = 0; m < e.nmodels; m++) {
    fputs("<tr><td>", f);
    model_label(f, allm, nall, e.models[m]);
    fputs("</td>", f);
    for (int u = 0; u < 2; u++)
      for (size_t k = 0; k < nb[u]; k++) num_td(f, lnb_ecdf_frac(&e, m, u, b[u][k]), "%.2f");
    num_td(f, lnb_ecdf_frac(&e, m, 0, INFINITY), "%.2f");
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table></section>\n", f);
  lnb_ecdf_free(&e);
  return 0;
}

/* the plots `plot` listed on its output (one path per line, ending .svg) */
static void plots_section(FILE *f, const char *dir, const char *listing, const char *why) {
  fputs("<section id=\"plots\"><h2>Plots</h2>\n", f);
  if (why) {
    fputs("<p class=\"note\">Not redrawn: ", f);
    esc(f, why);
    fputs(".</p>\n", f);
  }
  fputs("<p class=\"note\">Median over seeds, band from min to max (up to 6 models per "
        "figure); one colour and dash type per model in every figure and table. The gnuplot scripts and data are in "
        "<code>plots/</code>.</p>\n", f);
  size_t shown = 0;
  for (const char *p = listing; p && *p;) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    if (len > 4 && memcmp(p + len - 4, ".svg", 4) == 0) {
      const char *b = p + len;
      while (b > p && b[-1] != '/') b--;
      char stem[256];
      size_t sl = (size_t)(p + len - 4 - b);
      int ok = sl > 0 && sl < sizeof stem;
      for (size_t k = 0; ok && k < sl; k++) /* plot.c's stems are [A-Za-z0-9_] */
        ok = (b[k] >= 'a' && b[k] <= 'z') || (b[k] >= 'A' && b[k] <= 'Z') ||
             (b[k] >= '0' && b[k] <= '9') || b[k] == '_';
      if (ok) {
        memcpy(stem, b, sl);
        stem[sl] = '\0';
        char *path = malloc(strlen(dir) + sl + 16);
        size_t n = 0;
        unsigned char *svg = NULL;
        if (path) {
          sprintf(path, "%s/plots/%s.svg", dir, stem);
          svg = slurp(path, &n);
        }
        if (svg) {
          fprintf(f, "<figure id=\"fig_%s\"><img alt=\"%s\" src=\"data:image/svg+xml;base64,",
                  stem, stem);
          b64(f, svg, n);
          fprintf(f, "\"><figcaption>plots/%s.svg</figcaption></figure>\n", stem);
          shown++;
        }
        free(svg);
        free(path);
      }
    }
    p = eol ? eol + 1 : p + len;
  }
  if (!shown) fputs("<p class=\"note\">No plots were drawn.</p>\n", f);
  fputs("</section>\n", f);
}

static void drill_section(FILE *f, const lnb_rset *s, const lnb_table *t, const char *const *allm,
                          size_t nall) {
  long cmsg = lnb_csv_col(&s->sum, "message"), carch = lnb_csv_col(&s->sum, "architecture"),
       copt = lnb_csv_col(&s->sum, "optimizer");
  fputs("<section id=\"models\"><h2>Models</h2>\n<p class=\"note\">Every tuned setting and seed "
        "of every model, as recorded in summary.csv.</p>\n", f);
  size_t pi = 0;
  const char *prev = NULL;
  for (size_t i = 0; i < t->n; i++) {
    const lnb_table_entry *e = &t->entries[i];
    if (!prev || strcmp(prev, e->problem) != 0) pi++;
    prev = e->problem;
    size_t bad = 0, nrun = 0;
    for (size_t r = 0; r < s->nrows; r++) {
      const lnb_row *w = &s->rows[r];
      if (strcmp(w->problem, e->problem) || strcmp(w->model, e->model)) continue;
      nrun++;
      bad += w->status == LNB_RUN_ERROR || w->status == LNB_RUN_CRASHED;
    }
    fprintf(f, "<details><summary>p%zu ", pi);
    model_label(f, allm, nall, e->model);
    fprintf(f, " — %zu runs", nrun);
    if (bad) fprintf(f, ", <span class=\"bad\">%zu failed</span>", bad);
    fputs("</summary>\n<table class=\"sortable\"><thead><tr><th>run</th><th>tuned</th>"
          "<th>seed</th><th>status</th><th>iterations</th><th>iters to target</th>"
          "<th>s to target</th><th>final gap</th><th>final loss</th><th>architecture</th>"
          "<th>optimizer</th><th>message</th></tr></thead><tbody>\n", f);
    for (size_t r = 0; r < s->nrows; r++) {
      const lnb_row *w = &s->rows[r];
      if (strcmp(w->problem, e->problem) || strcmp(w->model, e->model)) continue;
      int fail = w->status == LNB_RUN_ERROR || w->status == LNB_RUN_CRASHED;
      fputs("<tr>", f);
      num_td(f, (double)w->run_id, "%.0f");
      fputs("<td class=\"nw\"><code>", f);
      esc(f, w->tuned[0] ? w->tuned : "—");
      fputs("</code></td>", f);
      num_td(f, (double)w->seed, "%.0f");
      fprintf(f, "<td%s>%s</td>", fail ? " class=\"bad\"" : "", lnb_run_status_name(w->status));
      num_td(f, (double)w->iterations, "%.0f");
      num_td(f, w->iters_to_target < 0 ? INFINITY : (double)w->iters_to_target, "%.0f");
      num_td(f, w->seconds_to_target, "%.3g");
      num_td(f, w->final_gap, "%.3g");
      num_td(f, w->final_loss, "%.6g");
      const char *const cols[] = {carch >= 0 ? s->sum.rows[r][carch] : "",
                                  copt >= 0 ? s->sum.rows[r][copt] : "",
                                  cmsg >= 0 ? s->sum.rows[r][cmsg] : ""};
      for (int k = 0; k < 3; k++) {
        fputs(k == 2 && fail ? "<td class=\"bad\"><code>" : "<td><code>", f);
        esc(f, cols[k]);
        fputs("</code></td>", f);
      }
      fputs("</tr>\n", f);
    }
    fputs("</tbody></table></details>\n", f);
  }
  fputs("</section>\n", f);
}

/* a fresh nonce for the script (the Content Security Policy runs only the
 * script carrying it, so no text smuggled into the page could run) */
static void make_nonce(char *out, size_t n) {
  unsigned char b[16] = {0};
  FILE *u = fopen("/dev/urandom", "rb");
  size_t got = u ? fread(b, 1, sizeof b, u) : 0;
  if (u) fclose(u);
  if (got != sizeof b) { /* no urandom: time and address, still unguessable to a results file */
    unsigned long x = (unsigned long)(lnb__now() * 1e9) ^ (unsigned long)(size_t)out;
    for (size_t i = 0; i < sizeof b; i++, x = x * 6364136223846793005UL + 1442695040888963407UL)
      b[i] = (unsigned char)(x >> 56);
  }
  size_t k = 0;
  for (size_t i = 0; i < sizeof b && k + 2 < n; i++) k += (size_t)snprintf(out + k, n - k, "%02x", b[i]);
}

int lnb_report_html(const char *dir, FILE *out, lnb_error *err) {
  lnb_rset s;
  lnb_table t = {0};
  char *json = NULL, *listing = NULL, *html = NULL, *path = NULL;
  const char **allm = NULL;
  size_t llen = 0, hlen = 0;
  int rc = lnb_rset_load(&s, dir, err);
  if (rc != LNB_OK) return rc;
  if (!(json = lnb_results_read_manifest(dir, err))) {
    rc = err->code;
    goto out;
  }
  /* the plots, as `lnnbench plot DIR` draws them (SVG); without
   * trajectories.csv (not committed with reference results) or gnuplot,
   * the SVG files already in DIR/plots */
  const char *why = NULL;
  char *tpath = lnb_path_join(dir, "trajectories.csv");
  struct stat tst;
  if (!tpath) goto oom;
  int have_traj = lstat(tpath, &tst) == 0;
  free(tpath);
  char *gnuplot = have_traj ? lnb_plot_find_gnuplot() : NULL;
  if (!have_traj) why = "trajectories.csv is absent: the plots in plots/ as found";
  else if (!gnuplot) why = "gnuplot is not installed (apt-get install gnuplot-nox): the plots "
                           "in plots/ as found";
  else {
    FILE *lf = open_memstream(&listing, &llen);
    if (!lf) {
      free(gnuplot);
      goto oom;
    }
    lnb_plot_opts po = {0};
    rc = lnb_plot_write_opts(dir, &po, gnuplot, lf, err);
    fclose(lf);
    free(gnuplot);
    if (rc != LNB_OK) goto out; /* a corrupt trajectories.csv: nothing written */
  }
  if (!listing && list_svgs(dir, &listing) != 0) goto oom;
  lnb_table_opts to = {.best_by = s.best_by,
                       .baseline = s.baseline[0] ? s.baseline : NULL,
                       .has_target = s.has_target};
  if (lnb_table_compute(s.rows, s.nrows, &to, &t) != 0) goto oom;
  if (!(allm = malloc((t.n ? t.n : 1) * sizeof *allm))) goto oom;
  for (size_t i = 0; i < t.n; i++) allm[i] = t.entries[i].model;
  FILE *f = open_memstream(&html, &hlen);
  if (!f) goto oom;
  char nonce[40];
  make_nonce(nonce, sizeof nonce);
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n", f);
  fprintf(f, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             "img-src data:; style-src 'unsafe-inline'; script-src 'nonce-%s'\">\n", nonce);
  fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
  esc(f, s.name[0] ? s.name : s.dir);
  fputs(" — lnnbench report</title>\n<style>", f);
  fputs(style_css, f);
  fputs("</style></head>\n<body>\n<header><h1>", f);
  esc(f, s.name[0] ? s.name : "results");
  fputs("</h1><div><code>", f);
  esc(f, s.dir);
  fputs("</code></div></header>\n<main>\n<nav><a href=\"#summary\">What ran</a><a "
        "href=\"#tables\">Head-to-head</a><a href=\"#profile\">Profile</a><a href=\"#ecdf\">ECDF</a><a href=\"#plots\">"
        "Plots</a><a href=\"#models\">Models</a></nav>\n", f);
  summary_section(f, &s, json);
  table_section(f, &s, &t, allm, t.n);
  if (profile_section(f, &s, allm, t.n) != 0) {
    fclose(f);
    goto oom;
  }
  if (ecdf_section(f, &s, dir, allm, t.n) != 0) {
    fclose(f);
    goto oom;
  }
  plots_section(f, dir, listing, why);
  drill_section(f, &s, &t, allm, t.n);
  fprintf(f, "</main>\n<script nonce=\"%s\">%s</script>\n</body></html>\n", nonce, script_js);
  if (fclose(f) != 0 || !html) goto oom;
  if (!(path = lnb_path_join(dir, "report.html"))) goto oom;
  if ((rc = lnb_write_atomic(path, html, hlen, err)) != LNB_OK) goto out;
  fputs("report: ", out);
  lnb__fput_text(out, path, NULL);
  fputc('\n', out);
  goto out;
oom:
  rc = lnb__error(err, LNB_ENOMEM, "out of memory");
out:
  free(path);
  free(html);
  free(listing);
  free(allm);
  free(json);
  lnb_table_free(&t);
  lnb_rset_free(&s);
  return rc;
}
