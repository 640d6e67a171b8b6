package io.quiver.serving.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Deadline;
import io.quiver.serving.internal.NodeRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeServiceTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void aSearchWaitsForACpuNoLongerThanItsRequestsWaitBudget() {
    long now = 1_000 * MS;
    long end = NodeService.budgetEnd(NodeRequest.newBuilder().setWaitMillis(250).build(), now);
    assertEquals(now + 250 * MS, end);
    // no gRPC deadline (the proxy's direct call for a client without one): the budget alone, as time goes by
    assertEquals(250 * MS, NodeService.gateWaitNanos(null, end, now));
    assertEquals(50 * MS, NodeService.gateWaitNanos(null, end, now + 200 * MS));
    assertEquals(0, NodeService.gateWaitNanos(null, end, now + 300 * MS));
  }

  @Test
  void aRequestWithoutABudgetWaitsAtMostTheDefault() {
    long end = NodeService.budgetEnd(NodeRequest.getDefaultInstance(), 0);
    assertEquals(TimeUnit.SECONDS.toNanos(NodeService.GATE_WAIT_SECONDS), NodeService.gateWaitNanos(null, end, 0));
  }

  @Test
  void theCallsDeadlineWinsWhenItComesFirst() {
    long now = System.nanoTime();
    long end = NodeService.budgetEnd(NodeRequest.newBuilder().setWaitMillis(60_000).build(), now);
    long wait = NodeService.gateWaitNanos(Deadline.after(100, TimeUnit.MILLISECONDS), end, now);
    assertTrue(wait > 0 && wait <= 100 * MS, "waits " + wait + " ns");
    // and the budget when it comes first
    assertEquals(20 * MS, NodeService.gateWaitNanos(Deadline.after(10, TimeUnit.SECONDS), now + 20 * MS, now));
    // an expired deadline: no wait at all
    assertEquals(0, NodeService.gateWaitNanos(Deadline.after(-5, TimeUnit.MILLISECONDS), end, now));
  }
}
