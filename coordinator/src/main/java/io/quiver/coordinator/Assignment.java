package io.quiver.coordinator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which query nodes serve which shard of which loaded collection. The unit is a (collection, shard): its sealed
 * segments and its WAL tail go together, so the row order rule (all versions of a key live in one shard) is applied
 * on one node. Each unit has up to {@code replicas} owners; proxies spread requests over them and retry on another.
 *
 * @param epoch increases with every assignment the leader publishes
 * @param collections collection → shard → owner node ids (first = preferred)
 */
public record Assignment(long epoch, Map<String, Map<Integer, List<String>>> collections) {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final Assignment EMPTY = new Assignment(0, Map.of());

  public Assignment {
    Map<String, Map<Integer, List<String>>> c = new TreeMap<>();
    collections.forEach((name, shards) -> {
      Map<Integer, List<String>> s = new TreeMap<>();
      shards.forEach((shard, owners) -> s.put(shard, List.copyOf(owners)));
      c.put(name, Collections.unmodifiableMap(s));
    });
    collections = Collections.unmodifiableMap(c);
  }

  /** Owners of one shard, empty when unassigned. */
  public List<String> owners(String collection, int shard) {
    Map<Integer, List<String>> s = collections.get(collection);
    List<String> o = s == null ? null : s.get(shard);
    return o == null ? List.of() : o;
  }

  /** The shards of {@code collection} that {@code node} owns. */
  public Set<Integer> shardsOf(String node, String collection) {
    Set<Integer> out = new TreeSet<>();
    Map<Integer, List<String>> s = collections.get(collection);
    if (s != null) {
      s.forEach((shard, owners) -> {
        if (owners.contains(node)) {
          out.add(shard);
        }
      });
    }
    return out;
  }

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Assignment fromBytes(byte[] b) {
    if (b == null || b.length == 0) {
      return EMPTY;
    }
    try {
      Map<String, Object> m = JSON.readValue(b, new TypeReference<>() {});
      long epoch = ((Number) m.get("epoch")).longValue();
      Map<String, Map<Integer, List<String>>> c = JSON.convertValue(m.get("collections"),
          new TypeReference<Map<String, Map<Integer, List<String>>>>() {});
      return new Assignment(epoch, c);
    } catch (IOException e) {
      throw new IllegalStateException("Corrupt assignment znode", e);
    }
  }
}
