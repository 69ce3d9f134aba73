// The per-layer profile printed by the --emit-main program of code built with xnorc
// --profile (docs/GeneratedAPI.md#per-layer-profile---profile): for every layer its median
// time over the program's runs, its share of the layers' time, and its share of the
// roofline, the time its MACs take at the machine's ceilings (common/peak.h):
//   ideal = binary MACs / (binary ceiling x threads) + float MACs / (float ceiling x threads)
//   roofline share = ideal / measured time
// Layers without MACs (data movement, pools, thresholds, element-wise glue) have no roofline
// share. Pasted into <name>_main.cpp after <name>.h; the harness may allocate, the model not.
#ifndef XNORC_RUNTIME_COMMON_PROFILE_REPORT_H
#define XNORC_RUNTIME_COMMON_PROFILE_REPORT_H

#include <algorithm>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string>
#include <vector>

// The ceilings of one core in MAC/s, and where they come from ("measured at start-up" or
// "--ceilings").
struct xn_prof_ceilings {
  double binary_macs_per_s, float_macs_per_s;
  const char *source;
};

// "B,F": the binary and the float ceiling of one core (e.g. "2.48e12,1.12e11"), both
// positive and finite; false for anything else.
inline bool xn_prof_parse_ceilings(const char *text, xn_prof_ceilings *c) {
  char *end = nullptr;
  const double b = strtod(text, &end);
  if (end == text || *end != ',')
    return false;
  const char *rest = end + 1;
  const double f = strtod(rest, &end);
  if (end == rest || *end != '\0' || !(b > 0) || !(f > 0) || !isfinite(b) || !isfinite(f))
    return false;
  c->binary_macs_per_s = b;
  c->float_macs_per_s = f;
  c->source = "--ceilings";
  return true;
}

// s as a JSON string. xnorc writes layer names terminal-safe (every control byte and every
// byte outside well-formed UTF-8 already spelled \xNN), so quotes, backslashes and, for
// safety, control bytes are all that is left to escape.
inline std::string xn_prof_json_string(const char *s) {
  std::string out = "\"";
  for (; *s; ++s) {
    const unsigned char ch = static_cast<unsigned char>(*s);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\u%04x", ch);
      out += esc;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

inline double xn_prof_median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Layer is the model's xnorc_layer_info (name, op, kind, binary_macs, float_macs, has_code).
template <typename Layer> struct xn_profile {
  const Layer *layers;
  int num_layers;
  std::vector<long long> ns; // run after run, num_layers nanoseconds each
  std::vector<double> run_us;

  // Where <name>_run_profiled writes the next run's layer times.
  long long *next_run() {
    ns.resize(ns.size() + static_cast<size_t>(num_layers > 0 ? num_layers : 1), 0);
    return ns.data() + (ns.size() - static_cast<size_t>(num_layers > 0 ? num_layers : 1));
  }

  void print(FILE *out, bool json, const char *model, const char *target, int threads,
             const xn_prof_ceilings &c) const {
    const size_t runs = run_us.size(), stride = num_layers > 0 ? num_layers : 1;
    std::vector<double> us(num_layers), ideal(num_layers);
    double layers_us = 0, ideal_us = 0;
    for (int l = 0; l < num_layers; ++l) {
      std::vector<double> t;
      for (size_t r = 0; r < runs; ++r)
        t.push_back(ns[r * stride + l] / 1e3);
      us[l] = xn_prof_median(t);
      ideal[l] = 1e6 * (layers[l].binary_macs / (c.binary_macs_per_s * threads) +
                        layers[l].float_macs / (c.float_macs_per_s * threads));
      layers_us += us[l];
      ideal_us += ideal[l];
    }
    const double run = xn_prof_median(run_us);
    auto share = [&](int l) { return layers_us > 0 ? us[l] / layers_us : 0.0; };
    auto has_roofline = [&](int l) { return ideal[l] > 0 && us[l] > 0; };
    if (json) {
      fprintf(out,
              "{\"model\": %s, \"target\": %s, \"threads\": %d, \"runs\": %zu,\n"
              " \"ceilings\": {\"binary_macs_per_s\": %.6g, \"float_macs_per_s\": %.6g, "
              "\"per\": \"core\", \"source\": %s},\n"
              " \"run_us\": %.3f, \"layers_us\": %.3f, \"roofline_us\": %.6f, "
              "\"roofline_share\": %.6g,\n \"layers\": [",
              xn_prof_json_string(model).c_str(), xn_prof_json_string(target).c_str(), threads,
              runs, c.binary_macs_per_s, c.float_macs_per_s, xn_prof_json_string(c.source).c_str(),
              run, layers_us, ideal_us, run > 0 ? ideal_us / run : 0.0);
      for (int l = 0; l < num_layers; ++l) {
        char roof[32] = "null";
        if (has_roofline(l))
          snprintf(roof, sizeof roof, "%.6g", ideal[l] / us[l]);
        fprintf(out,
                "%s\n  {\"name\": %s, \"op\": %s, \"kind\": %s, \"binary_macs\": %lld, "
                "\"float_macs\": %lld, \"has_code\": %s, \"us\": %.3f, \"share\": %.6f, "
                "\"roofline_share\": %s}",
                l ? "," : "", xn_prof_json_string(layers[l].name).c_str(),
                xn_prof_json_string(layers[l].op).c_str(),
                xn_prof_json_string(layers[l].kind).c_str(), layers[l].binary_macs,
                layers[l].float_macs, layers[l].has_code ? "true" : "false", us[l], share(l), roof);
      }
      fprintf(out, "\n ]}\n");
      return;
    }
    int width = 5;
    for (int l = 0; l < num_layers; ++l)
      width = std::max(width, std::min(40, static_cast<int>(std::string(layers[l].name).size())));
    fprintf(out, "%s (target %s, %d thread%s): per-layer profile, median of %zu runs\n", model,
            target, threads, threads == 1 ? "" : "s", runs);
    fprintf(out, "ceilings of one core: %.3g binary MAC/s, %.3g float MAC/s (%s)\n",
            c.binary_macs_per_s, c.float_macs_per_s, c.source);
    fprintf(out, "%-*s %-18s %-13s %13s %13s %10s %6s %8s\n", width, "layer", "op", "kind",
            "binary MACs", "float MACs", "us", "share", "roofline");
    for (int l = 0; l < num_layers; ++l) {
      char roof[16] = "-";
      if (has_roofline(l))
        snprintf(roof, sizeof roof, "%.1f%%", 100 * ideal[l] / us[l]);
      fprintf(out, "%-*s %-18s %-13s %13lld %13lld %10.1f %5.1f%% %8s%s\n", width, layers[l].name,
              layers[l].op, layers[l].kind, layers[l].binary_macs, layers[l].float_macs, us[l],
              100 * share(l), roof, layers[l].has_code ? "" : "  (no code)");
    }
    fprintf(out, "layers: %.1f us of a %.1f us run (the rest: waking the threads, output copies)\n",
            layers_us, run);
    fprintf(out, "roofline: %.1f us at these ceilings x %d thread%s; the run is at %.1f%% of it\n",
            ideal_us, threads, threads == 1 ? "" : "s", run > 0 ? 100 * ideal_us / run : 0.0);
    // No layer can beat its roofline: one that does says the ceilings were measured while
    // something else had the core.
    int above = 0;
    for (int l = 0; l < num_layers; ++l)
      above += has_roofline(l) && ideal[l] > us[l];
    if (above > 0)
      fprintf(out,
              "note: %d layer%s above 100%% of the roofline: the ceilings were measured low "
              "(a busy machine?); --ceilings B,F gives them\n",
              above, above == 1 ? "" : "s");
  }
};

#endif // XNORC_RUNTIME_COMMON_PROFILE_REPORT_H
