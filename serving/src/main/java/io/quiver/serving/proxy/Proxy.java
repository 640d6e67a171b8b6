package io.quiver.serving.proxy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quiver.coordinator.Assignment;
import io.quiver.coordinator.NodeInfo;
import io.quiver.serving.internal.NodeRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans a request out to the owners of every shard of a collection and collects their local answers. One owner per
 * shard is chosen round-robin among the replicas (load balancing); the shards of one node travel in one call. A
 * failed call (node down, not owner any more, timed out) is retried for its shards on another replica, then, when
 * every replica failed, after the assignment changes, until the request's deadline. Bad input reported by a node
 * ends the request at once.
 */
public final class Proxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Proxy.class);

  private final ClusterView view;
  private final NodeClients clients;
  private final ExecutorService exec = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "quiver-proxy");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong roundRobin = new AtomicLong();

  public Proxy(ClusterView view, NodeClients clients) {
    this.view = view;
    this.clients = clients;
  }

  public ClusterView view() {
    return view;
  }

  /** Bad input a node refused: the message names field, value and reason. */
  public static final class NodeRejected extends IllegalArgumentException {
    NodeRejected(String m) {
      super(m);
    }
  }

  /** No owner answered for some shards before the deadline. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String m) {
      super(m);
    }
  }

  /**
   * Calls {@code call} on owners covering shards {@code 0..shards-1} of {@code collection}.
   *
   * @param template the request without shards (the proxy sets them per node)
   * @return the answers, one per successful node call
   */
  public <T> List<T> fanOut(String collection, int shards, NodeRequest template, long timeoutMillis,
      BiFunction<NodeApi, NodeRequest, T> call) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Set<Integer> remaining = new TreeSet<>();
    for (int s = 0; s < shards; s++) {
      remaining.add(s);
    }
    Map<Integer, Set<String>> failed = new HashMap<>();
    List<T> out = new ArrayList<>();
    String lastError = "no owner assigned yet";
    while (!remaining.isEmpty()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new Unavailable("No query node answered for shards " + remaining + " of " + collection + " within "
            + timeoutMillis + " ms: " + lastError);
      }
      Assignment a = view.assignment();
      Map<String, List<Integer>> byNode = new LinkedHashMap<>();
      boolean waiting = false;
      for (int shard : remaining) {
        List<String> owners = new ArrayList<>();
        for (String o : a.owners(collection, shard)) {
          if (view.node(o) != null && !failed.getOrDefault(shard, Set.of()).contains(o)) {
            owners.add(o);
          }
        }
        if (owners.isEmpty()) {
          failed.remove(shard); // every replica failed: try them again once the assignment moves on
          waiting = true;
          continue;
        }
        String pick = owners.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) owners.size()));
        byNode.computeIfAbsent(pick, n -> new ArrayList<>()).add(shard);
      }
      Map<String, CompletableFuture<T>> calls = new LinkedHashMap<>();
      int n = 0;
      for (Map.Entry<String, List<Integer>> e : byNode.entrySet()) {
        NodeInfo info = view.node(e.getKey());
        NodeRequest req = template.toBuilder().clearShards().addAllShards(e.getValue())
            .setWaitMillis(Math.min(template.getWaitMillis(), Math.max(1, left - 50))).build();
        Supplier<T> one = () -> call.apply(clients.api(info.internalAddress(), left), req);
        // The last call runs on this thread: one thread hop less per request, none when one node owns everything.
        calls.put(e.getKey(), ++n < byNode.size() ? CompletableFuture.supplyAsync(one, exec) : inline(one));
      }
      for (Map.Entry<String, CompletableFuture<T>> e : calls.entrySet()) {
        try {
          out.add(e.getValue().get());
          remaining.removeAll(byNode.get(e.getKey()));
        } catch (ExecutionException ex) {
          Throwable c = ex.getCause();
          if (c instanceof StatusRuntimeException sre
              && sre.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
            throw new NodeRejected(sre.getStatus().getDescription());
          }
          lastError = "node " + e.getKey() + ": " + c;
          LOG.debug("Shards {} of {} failed on {}: {}", byNode.get(e.getKey()), collection, e.getKey(), c.toString());
          for (int s : byNode.get(e.getKey())) {
            failed.computeIfAbsent(s, x -> new HashSet<>()).add(e.getKey());
          }
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new Unavailable("Interrupted while waiting for query nodes");
        }
      }
      if (waiting && byNode.isEmpty()) {
        view.awaitChange(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
      }
    }
    return out;
  }

  private static <T> CompletableFuture<T> inline(Supplier<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      f.complete(call.get());
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  @Override
  public void close() {
    exec.shutdownNow();
  }
}
