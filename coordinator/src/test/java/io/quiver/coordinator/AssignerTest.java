package io.quiver.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssignerTest {
  private static List<Assigner.Unit> units(int shards, long bytes) {
    List<Assigner.Unit> u = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      u.add(new Assigner.Unit("c", s, bytes + s));
    }
    return u;
  }

  private static Map<String, Long> load(Assignment a, List<Assigner.Unit> units) {
    Map<String, Long> l = new HashMap<>();
    for (Assigner.Unit u : units) {
      for (String n : a.owners(u.collection(), u.shard())) {
        l.merge(n, u.bytes(), Long::sum);
      }
    }
    return l;
  }

  @Test
  void everyUnitGetsDistinctReplicasBalancedBySize() {
    List<Assigner.Unit> u = units(6, 100);
    Assignment a = Assigner.assign(u, List.of("n1", "n2", "n3"), 2, Assignment.EMPTY);
    for (Assigner.Unit x : u) {
      assertThat(a.owners("c", x.shard())).as("owners of shard %s", x.shard()).hasSize(2).doesNotHaveDuplicates();
    }
    Map<String, Long> l = load(a, u);
    assertThat(l.values().stream().mapToLong(Long::longValue).max().getAsLong()
        - l.values().stream().mapToLong(Long::longValue).min().getAsLong()).as("imbalance").isLessThanOrEqualTo(106);
    assertThat(a.epoch()).isEqualTo(1);
  }

  @Test
  void aDeadNodesUnitsMoveAndLiveOwnersStay() {
    List<Assigner.Unit> u = units(4, 100);
    Assignment a = Assigner.assign(u, List.of("n1", "n2", "n3"), 1, Assignment.EMPTY);
    String dead = a.owners("c", 0).get(0);
    List<String> live = new ArrayList<>(List.of("n1", "n2", "n3"));
    live.remove(dead);
    Assignment b = Assigner.assign(u, live, 1, a);
    for (Assigner.Unit x : u) {
      assertThat(b.owners("c", x.shard())).as("shard %s", x.shard()).hasSize(1).doesNotContain(dead);
      if (!a.owners("c", x.shard()).contains(dead)) {
        assertThat(b.owners("c", x.shard())).as("live owner keeps shard %s", x.shard())
            .isEqualTo(a.owners("c", x.shard()));
      }
    }
  }

  @Test
  void aJoiningNodeTakesLoadAndReplicasCapAtNodeCount() {
    List<Assigner.Unit> u = units(4, 100);
    Assignment a = Assigner.assign(u, List.of("n1"), 3, Assignment.EMPTY);
    assertThat(a.owners("c", 0)).containsExactly("n1");
    Assignment b = Assigner.assign(u, List.of("n1", "n2"), 1, a);
    assertThat(b.shardsOf("n2", "c")).as("the new node's shards").isNotEmpty();
    assertThat(Assigner.assign(u, List.of(), 1, b).collections()).isEmpty();
  }

  @Test
  void roundTripsThroughJson() {
    Assignment a = Assigner.assign(units(3, 10), List.of("a", "b"), 2, Assignment.EMPTY);
    assertThat(Assignment.fromBytes(a.toBytes())).isEqualTo(a);
  }
}
