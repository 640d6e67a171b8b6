package io.quiver.serving.node;

import java.nio.file.Path;

/**
 * What a query node needs to run.
 *
 * @param id the node's id in the registry (unique in the cluster)
 * @param kafkaBootstrap the Kafka bootstrap servers of the WAL
 * @param cacheDir local directory of the segment cache
 * @param cacheBytes size limit of the segment cache
 * @param searchThreads threads searching segments in parallel
 * @param boundedStalenessMs the staleness bound of BOUNDED reads ({@link ShardTail#fetchWaitMillis} follows it)
 */
public record NodeConfig(String id, String kafkaBootstrap, Path cacheDir, long cacheBytes, int searchThreads,
    long boundedStalenessMs) {}
