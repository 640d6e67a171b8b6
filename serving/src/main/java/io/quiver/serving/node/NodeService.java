package io.quiver.serving.node;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.search.Hit;
import io.quiver.engine.search.SegmentFilter;
import io.quiver.engine.search.Snapshot;
import io.quiver.serving.internal.NodeCount;
import io.quiver.serving.internal.NodeHit;
import io.quiver.serving.internal.NodeHits;
import io.quiver.serving.internal.NodeRequest;
import io.quiver.serving.internal.NodeRows;
import io.quiver.serving.internal.QueryNodeGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * The internal gRPC service of a query node: answers search, query, count and get for the shards the proxy names,
 * after waiting (bounded) for the consistency offsets it was given. Searches then take their turn for a CPU
 * ({@link CpuGate}: one per CPU at a time, in arrival order), so that however many calls are in flight only about as
 * many threads as CPUs search at once: the node's JIT compiler threads, which run below the request threads (a
 * serving node's JVM flags), keep a share of a busy node's CPUs instead of one among dozens of searching threads.
 * Errors: {@code FAILED_PRECONDITION} when the node does not serve a shard (the proxy retries elsewhere),
 * {@code INVALID_ARGUMENT} for bad input, {@code DEADLINE_EXCEEDED} when the tail did not reach the offsets in time,
 * {@code RESOURCE_EXHAUSTED} when no CPU came free before the call's deadline (the proxy retries on another replica).
 */
public final class NodeService extends QueryNodeGrpc.QueryNodeImplBase {

  /** The longest wait for a CPU of a call with neither a deadline nor a wait budget. */
  static final long GATE_WAIT_SECONDS = 60;

  private final QueryNode node;
  /** One search per CPU at a time, the others in arrival order. */
  private final CpuGate gate = CpuGate.forThisProcess();

  public NodeService(QueryNode node) {
    this.node = node;
  }

  private List<Snapshot> snapshots(NodeRequest r) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(r.getWaitMillis(), 1));
    // BOUNDED: the tail must have been caught up at a moment no older than the bound, counted from now
    long freshSince = r.getStalenessMillis() > 0 ? System.currentTimeMillis() - r.getStalenessMillis() : 0;
    List<Snapshot> out = new ArrayList<>();
    for (int shard : r.getShardsList()) {
      ShardState s = node.state(r.getCollection(), shard, r.getMinManifestVersion(), r.getPartitionsList(),
          Math.max(r.getWaitMillis(), 1));
      Long want = r.getWaitOffsetsMap().get(shard);
      if (want != null) {
        while (!s.reached(want)) {
          if (System.nanoTime() - deadline > 0) {
            throw new ConsistencyTimeout("shard " + shard + " of " + r.getCollection() + " has read up to offset "
                + (s.tail().position() - 1) + ", the request needs " + want + " (waited " + r.getWaitMillis()
                + " ms)");
          }
          LockSupport.parkNanos(200_000);
        }
      }
      if (freshSince > 0) {
        while (s.tail().caughtUpAtMillis() < freshSince) {
          if (System.nanoTime() - deadline > 0) {
            throw new ConsistencyTimeout("shard " + shard + " of " + r.getCollection() + " was last caught up with "
                + "the WAL " + (System.currentTimeMillis() - s.tail().caughtUpAtMillis()) + " ms ago, more than the "
                + "bounded staleness of " + r.getStalenessMillis() + " ms (waited " + r.getWaitMillis() + " ms)");
          }
          LockSupport.parkNanos(200_000);
        }
      }
      Snapshot snap = s.snapshot();
      out.add(r.getPartitionsCount() == 0 ? snap : snap.partitions(r.getPartitionsList()));
    }
    return out;
  }

  /** The tail did not reach the requested offsets in time. */
  static final class ConsistencyTimeout extends RuntimeException {
    ConsistencyTimeout(String m) {
      super(m);
    }
  }

  private <T> void answer(StreamObserver<T> obs, NodeRequest r, Function<NodeRequest, T> f) {
    T result;
    try {
      result = f.apply(r);
    } catch (NotOwnerException e) {
      obs.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (Busy e) {
      obs.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (ConsistencyTimeout e) {
      obs.onError(Status.DEADLINE_EXCEEDED.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalArgumentException e) { // ValidationException, FilterException
      obs.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      obs.onError(Status.INTERNAL.withDescription(e.toString()).withCause(e).asRuntimeException());
      return;
    }
    obs.onNext(result);
    obs.onCompleted();
  }

  @Override
  public void search(NodeRequest request, StreamObserver<NodeHits> obs) {
    answer(obs, request, r -> {
      long budgetEnd = budgetEnd(r, System.nanoTime());
      NodeRequests.Search body = NodeRequests.Search.fromProto(r.getSearch());
      NodeHits.Builder out = NodeHits.newBuilder();
      List<Snapshot> snapshots = snapshots(r);
      CollectionSchema schema = snapshots.isEmpty() ? null : snapshots.get(0).schema();
      String pk = schema == null ? null : schema.primaryKey().name();
      for (List<Hit> hits : searchShards(snapshots, body, budgetEnd)) {
        for (Hit h : hits) {
          // The primary key travels as int_pk / str_pk: the fields leave it out (none at all for a plain search)
          NodeHit.Builder b = NodeHit.newBuilder().setDistance(h.distance()).setScore(h.score())
              .addAllFields(NodeRequests.toFields(h.fields(), schema, pk));
          if (h.pk() instanceof Long) {
            b.setIntPk((Long) h.pk());
          } else {
            b.setStrPk((String) h.pk());
          }
          out.addHits(b);
        }
      }
      return out.build();
    });
  }

  /**
   * Each shard's local top-k, once the gate has admitted the search. While the node has idle cores (the gate has
   * CPUs no admitted search holds) the shards run side by side, the last on this thread, which shortens one request; once every
   * core is busy another thread would only add a hand-off and queueing, so they run one after the other on this
   * thread.
   */
  private List<List<Hit>> searchShards(List<Snapshot> snapshots, NodeRequests.Search body, long budgetEnd) {
    List<List<Hit>> out = new ArrayList<>();
    if (snapshots.isEmpty()) {
      return out;
    }
    admit(budgetEnd);
    try {
      List<Future<List<Hit>>> others = new ArrayList<>();
      // the gate follows the CPUs this process may use now (a cpuset or affinity can change while the node runs)
      int spread = gate.free() > 0 ? snapshots.size() - 1 : 0;
      for (int i = 0; i < spread; i++) {
        Snapshot s = snapshots.get(i);
        others.add(node.shardPool().submit(() -> s.search(body.toEngine(s.schema()))));
      }
      List<List<Hit>> mine = new ArrayList<>();
      for (int i = spread; i < snapshots.size(); i++) {
        Snapshot s = snapshots.get(i);
        mine.add(s.search(body.toEngine(s.schema())));
      }
      for (Future<List<Hit>> f : others) {
        out.add(Snapshot.join(f));
      }
      out.addAll(mine);
      return out;
    } finally {
      gate.release();
    }
  }

  /**
   * Waits for a CPU of the node ({@link CpuGate}) at most until the call's deadline (the gRPC context's: a remote
   * proxy's stub deadline, or the Milvus client's own when the proxy calls this node directly) and the end of the
   * request's wait budget ({@link #budgetEnd}), whichever comes first.
   */
  private void admit(long budgetEnd) {
    long wait = gateWaitNanos(Context.current().getDeadline(), budgetEnd, System.nanoTime());
    boolean in;
    try {
      in = gate.enter(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Busy("node " + node.id() + " was interrupted while the search waited for a CPU");
    }
    if (!in) {
      throw new Busy("node " + node.id() + " is busy: the search waited " + TimeUnit.NANOSECONDS.toMillis(wait)
          + " ms for a CPU behind " + gate.waiting() + " others");
    }
  }

  /**
   * When the wait budget of a request received at {@code nowNanos} ends: its {@code wait_millis} (the proxy's time
   * left for the whole read, what the node's waits for its tails are bounded by too), or {@value #GATE_WAIT_SECONDS} s
   * when it has none. This bounds a search the proxy hands to this process's own node without a gRPC deadline (a
   * Milvus client without one): without it that search could wait a minute for a CPU, long past the proxy's timeout.
   */
  static long budgetEnd(NodeRequest r, long nowNanos) {
    return nowNanos + (r.getWaitMillis() > 0 ? TimeUnit.MILLISECONDS.toNanos(r.getWaitMillis())
        : TimeUnit.SECONDS.toNanos(GATE_WAIT_SECONDS));
  }

  /** How long a search may wait for a CPU at {@code nowNanos} (never negative). */
  static long gateWaitNanos(@Nullable Deadline deadline, long budgetEnd, long nowNanos) {
    long wait = budgetEnd - nowNanos;
    if (deadline != null) {
      wait = Math.min(wait, deadline.timeRemaining(TimeUnit.NANOSECONDS));
    }
    return Math.max(0, wait);
  }

  /** No CPU of the node came free before the call's deadline. */
  static final class Busy extends RuntimeException {
    Busy(String m) {
      super(m);
    }
  }

  @Override
  public void query(NodeRequest request, StreamObserver<NodeRows> obs) {
    answer(obs, request, r -> {
      NodeRequests.Query body = NodeRequests.Query.fromProto(r.getQuery());
      NodeRows.Builder out = NodeRows.newBuilder();
      for (Snapshot s : snapshots(r)) {
        SegmentFilter f = body.filter(s.schema());
        for (Map<String, Object> row : s.query(f, body.output(), body.limit() + body.offset(), 0)) {
          out.addRows(NodeRequests.toRow(row, s.schema()));
        }
      }
      return out.build();
    });
  }

  @Override
  public void count(NodeRequest request, StreamObserver<NodeCount> obs) {
    answer(obs, request, r -> {
      NodeRequests.Query body = NodeRequests.Query.fromProto(r.getQuery());
      long n = 0;
      for (Snapshot s : snapshots(r)) {
        n += s.count(body.filter(s.schema()));
      }
      return NodeCount.newBuilder().setCount(n).build();
    });
  }

  @Override
  public void get(NodeRequest request, StreamObserver<NodeRows> obs) {
    answer(obs, request, r -> {
      NodeRequests.Get body = NodeRequests.Get.fromProto(r.getGet());
      NodeRows.Builder out = NodeRows.newBuilder();
      for (Snapshot s : snapshots(r)) {
        for (Map<String, Object> row : s.get(body.pks(), body.output())) {
          out.addRows(NodeRequests.toRow(row, s.schema()));
        }
      }
      return out.build();
    });
  }
}
