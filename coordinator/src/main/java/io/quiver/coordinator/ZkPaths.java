package io.quiver.coordinator;

/**
 * The znodes Quiver uses, under the Curator namespace of the cluster (default {@code quiver}):
 *
 * <pre>
 * /leader                  LeaderLatch of the coordinator
 * /nodes/&lt;id&gt;              ephemeral, a query node's {@link NodeInfo} as JSON
 * /catalog/&lt;collection&gt;    the manifest pointer ({@link ZkPointerStore})
 * /loaded/&lt;collection&gt;     present while the collection is loaded (Milvus LoadCollection / ReleaseCollection)
 * /assignment              the {@link Assignment} as JSON, written by the leader only
 * </pre>
 */
public final class ZkPaths {
  public static final String LEADER = "/leader";
  public static final String NODES = "/nodes";
  public static final String CATALOG = "/catalog";
  public static final String LOADED = "/loaded";
  public static final String ASSIGNMENT = "/assignment";

  private ZkPaths() {}

  public static String pointer(String collection) {
    return CATALOG + "/" + collection;
  }

  public static String node(String id) {
    return NODES + "/" + id;
  }

  public static String loaded(String collection) {
    return LOADED + "/" + collection;
  }
}
