/**
 * Cluster control on ZooKeeper (Curator), with no gRPC: {@link io.quiver.coordinator.ZkCluster} (client, catalog
 * with {@link io.quiver.coordinator.ZkPointerStore}, load flags), {@link io.quiver.coordinator.NodeRegistry}
 * (ephemeral registrations), {@link io.quiver.coordinator.Coordinator} (leader election and publishing the
 * {@link io.quiver.coordinator.Assignment} computed by {@link io.quiver.coordinator.Assigner}). The znode layout is
 * in {@link io.quiver.coordinator.ZkPaths}.
 */
package io.quiver.coordinator;
