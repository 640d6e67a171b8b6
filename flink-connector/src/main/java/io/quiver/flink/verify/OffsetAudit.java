package io.quiver.flink.verify;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the exactly-once bookkeeping of a collection over every retained manifest version: each stream commit's
 * offset range of a shard starts right after the previous version's committed offset and ends at the new one (no
 * gaps, no overlaps), committed offsets never go back, and the live segments of a shard hold disjoint offset ranges
 * inside what is committed. Returns the problems found (empty = sound).
 */
public final class OffsetAudit {
  private OffsetAudit() {}

  public static List<String> check(Catalog catalog, String collection) {
    List<String> problems = new ArrayList<>();
    Manifest current = catalog.current(collection);
    List<Manifest> versions = new ArrayList<>();
    current.history().forEach(h -> versions.add(catalog.version(collection, h.version())));
    versions.add(current);
    versions.sort(Comparator.comparingLong(Manifest::version));
    Map<Integer, Long> committed = new HashMap<>();
    for (Manifest m : versions) {
      for (Map.Entry<String, String> e : m.summary().entrySet()) {
        if (!e.getKey().startsWith("offsets.")) {
          continue;
        }
        int shard = Integer.parseInt(e.getKey().substring("offsets.".length()));
        String[] r = e.getValue().split("\\.\\.");
        long first = Long.parseLong(r[0]);
        long last = Long.parseLong(r[1]);
        long prev = committed.getOrDefault(shard, -1L);
        if (first != prev + 1) {
          problems.add("v" + m.version() + " shard " + shard + ": range " + first + ".." + last + " does not start "
              + "right after the previous committed offset " + prev);
        }
        if (m.committedOffset(shard) != last) {
          problems.add("v" + m.version() + " shard " + shard + ": committed offset " + m.committedOffset(shard)
              + " is not the end of the committed range " + last);
        }
      }
      for (Map.Entry<Integer, Long> e : m.committedOffsets().entrySet()) {
        long prev = committed.getOrDefault(e.getKey(), -1L);
        if (e.getValue() < prev) {
          problems.add("v" + m.version() + " shard " + e.getKey() + ": committed offset went back from " + prev
              + " to " + e.getValue());
        } else if (e.getValue() > prev && !m.summary().containsKey("offsets." + e.getKey())) {
          problems.add("v" + m.version() + " shard " + e.getKey() + ": committed offset moved from " + prev + " to "
              + e.getValue() + " without a recorded range");
        }
        committed.put(e.getKey(), e.getValue());
      }
    }
    Map<Integer, List<SegmentEntry>> byShard = new HashMap<>();
    current.segments().forEach(s -> byShard.computeIfAbsent(s.stats().shard(), k -> new ArrayList<>()).add(s));
    byShard.forEach((shard, segs) -> {
      segs.sort(Comparator.comparingLong(s -> s.stats().firstOffset()));
      long end = -1;
      for (SegmentEntry s : segs) {
        if (s.stats().firstOffset() <= end) {
          problems.add("shard " + shard + ": segment " + s.id() + " (" + s.stats().firstOffset() + ".."
              + s.stats().lastOffset() + ") overlaps the previous segment ending at " + end);
        }
        if (s.stats().lastOffset() > current.committedOffset(shard)) {
          problems.add("shard " + shard + ": segment " + s.id() + " holds offset " + s.stats().lastOffset()
              + " beyond the committed offset " + current.committedOffset(shard));
        }
        end = s.stats().lastOffset();
      }
    });
    return problems;
  }
}
