package io.quiver.examples.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Map;

/**
 * The runners' one-line JSON output: {@link #write} for maps of figures, {@link #line} for {@code bench ann}'s
 * layout (described in {@link AnnBenchCommand}).
 */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {
  }

  /** One JSON line of {@code value} (maps, lists, numbers, strings). */
  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String line(AnnData data, String kind, Map<String, String> params, double selectivity, int threads,
      int luceneMaxConn, Map<String, AnnBenchCommand.Report> reports) {
    StringBuilder b = new StringBuilder("{");
    field(b, "dataset", str(data.name)).append(',');
    field(b, "n", Integer.toString(data.base.count())).append(',');
    field(b, "dim", Integer.toString(data.base.dimension())).append(',');
    field(b, "queries", Integer.toString(data.queries.count())).append(',');
    field(b, "k", Integer.toString(data.k)).append(',');
    field(b, "metric", str(data.metric.name())).append(',');
    field(b, "index", str(kind.toUpperCase(Locale.ROOT))).append(',');
    field(b, "filter_selectivity", num(selectivity)).append(',');
    field(b, "threads", Integer.toString(threads)).append(',');
    field(b, "jdk", str(Runtime.version().toString())).append(',');
    StringBuilder p = new StringBuilder("{");
    params.forEach((k, v) -> field(p.length() > 1 ? p.append(',') : p, k, str(v)));
    field(b, "params", p.append('}').toString());
    for (Map.Entry<String, AnnBenchCommand.Report> e : reports.entrySet()) {
      AnnBenchCommand.Report r = e.getValue();
      StringBuilder o = new StringBuilder("{");
      field(o, "build_s", num(r.buildSeconds)).append(',');
      if (!Double.isNaN(r.openSeconds)) {
        field(o, "open_s", num(r.openSeconds)).append(',');
      }
      if (e.getKey().equals("lucene")) {
        field(o, "max_conn", Integer.toString(luceneMaxConn)).append(',');
      }
      field(o, "index_bytes", Long.toString(r.indexBytes)).append(',');
      o.append("\"results\":[");
      for (int i = 0; i < r.results.size(); i++) {
        SearchRunner.Result res = r.results.get(i);
        o.append(i > 0 ? "," : "").append('{');
        field(o, "width", Integer.toString(res.width)).append(',');
        field(o, "recall", num(res.recall)).append(',');
        field(o, "qps", num(res.qps)).append(',');
        field(o, "p50_ms", num(res.p50Ms)).append(',');
        field(o, "p99_ms", num(res.p99Ms)).append('}');
      }
      o.append("],\"qps_at_recall\":{");
      double[] targets = {0.9, 0.95, 0.99};
      for (int i = 0; i < targets.length; i++) {
        o.append(i > 0 ? "," : "");
        field(o, String.format(Locale.ROOT, "%.2f", targets[i]), num(qpsAtRecall(r, targets[i])));
      }
      o.append("}}");
      b.append(',');
      field(b, e.getKey(), o.toString());
    }
    return b.append('}').toString();
  }

  /**
   * QPS at {@code target} recall, linear between the two widths whose recalls bracket it (the first width when even
   * it reaches the target); NaN when no width reaches it. Compares engines at equal recall rather than equal width.
   */
  static double qpsAtRecall(AnnBenchCommand.Report r, double target) {
    SearchRunner.Result prev = null;
    for (SearchRunner.Result res : r.results) {
      if (res.recall >= target) {
        if (prev == null || prev.recall >= res.recall) {
          return res.qps;
        }
        double t = (target - prev.recall) / (res.recall - prev.recall);
        return prev.qps + t * (res.qps - prev.qps);
      }
      prev = res;
    }
    return Double.NaN;
  }

  private static StringBuilder field(StringBuilder b, String name, String value) {
    return b.append(str(name)).append(':').append(value);
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
  }

  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
