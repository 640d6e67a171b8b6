package io.quiver.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes an {@link Assignment}: every (collection, shard) unit gets {@code min(replicas, nodes)} distinct owners,
 * balanced by bytes. Current owners that are still alive keep their units (no needless reloads) unless that leaves
 * the cluster unbalanced by more than one unit, in which case units move from the fullest node to the emptiest one
 * (so a node that joins takes load). Pure and deterministic: unit-tested without ZooKeeper.
 */
public final class Assigner {
  private Assigner() {}

  /** One unit to place: a collection's shard and the bytes its sealed segments take (plus one for its tail). */
  public record Unit(String collection, int shard, long bytes) {}

  public static Assignment assign(List<Unit> units, List<String> nodes, int replicas, Assignment current) {
    if (replicas < 1) {
      throw new IllegalArgumentException("Cannot assign with replica factor " + replicas + ": must be at least 1");
    }
    Map<String, Map<Integer, List<String>>> out = new TreeMap<>();
    if (nodes.isEmpty()) {
      return new Assignment(current.epoch() + 1, out);
    }
    int r = Math.min(replicas, nodes.size());
    Map<String, Long> load = new LinkedHashMap<>();
    nodes.stream().sorted().forEach(n -> load.put(n, 0L));
    List<Unit> sorted = new ArrayList<>(units);
    sorted.sort(Comparator.comparingLong(Unit::bytes).reversed().thenComparing(Unit::collection)
        .thenComparingInt(Unit::shard));
    Map<Unit, List<String>> placed = new HashMap<>();
    // 1. keep live current owners
    for (Unit u : sorted) {
      List<String> owners = new ArrayList<>();
      for (String n : current.owners(u.collection(), u.shard())) {
        if (load.containsKey(n) && owners.size() < r && !owners.contains(n)) {
          owners.add(n);
          load.merge(n, u.bytes(), Long::sum);
        }
      }
      placed.put(u, owners);
    }
    // 2. fill missing replicas on the least loaded nodes
    for (Unit u : sorted) {
      List<String> owners = placed.get(u);
      while (owners.size() < r) {
        String best = leastLoaded(load, owners);
        owners.add(best);
        load.merge(best, u.bytes(), Long::sum);
      }
    }
    // 3. rebalance: move a unit from the fullest to the emptiest node while that narrows the gap
    for (int moves = 0; moves < sorted.size() * r; moves++) {
      String full = load.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
          .thenComparing(Map.Entry.comparingByKey())).get().getKey();
      String empty = load.entrySet().stream().min(Map.Entry.<String, Long>comparingByValue()
          .thenComparing(Map.Entry.comparingByKey())).get().getKey();
      long gap = load.get(full) - load.get(empty);
      Unit move = null;
      for (Unit u : sorted) {
        List<String> owners = placed.get(u);
        if (owners.contains(full) && !owners.contains(empty) && u.bytes() * 2 <= gap && u.bytes() > 0) {
          move = u;
          break;
        }
      }
      if (move == null) {
        break;
      }
      List<String> owners = placed.get(move);
      owners.set(owners.indexOf(full), empty);
      load.merge(full, -move.bytes(), Long::sum);
      load.merge(empty, move.bytes(), Long::sum);
    }
    for (Unit u : sorted) {
      out.computeIfAbsent(u.collection(), c -> new TreeMap<>()).put(u.shard(), placed.get(u));
    }
    return new Assignment(current.epoch() + 1, out);
  }

  private static String leastLoaded(Map<String, Long> load, List<String> exclude) {
    String best = null;
    for (Map.Entry<String, Long> e : load.entrySet()) {
      if (!exclude.contains(e.getKey()) && (best == null || e.getValue() < load.get(best))) {
        best = e.getKey();
      }
    }
    return best;
  }
}
