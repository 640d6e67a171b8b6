package io.quiver.serving.milvus;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.StreamObserver;
import io.quiver.coordinator.Assignment;
import io.quiver.coordinator.ZkCluster;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.NoSuchCollectionException;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.ValidationException;
import io.quiver.serving.milvus.MilvusStatus.MilvusException;
import io.quiver.serving.milvus.proto.*;
import io.quiver.serving.metrics.ServingMetrics;
import io.quiver.serving.proxy.Consistency;
import io.quiver.serving.proxy.Proxy;
import io.quiver.wal.WalTopics;
import io.quiver.wal.WriteResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code milvus.proto.milvus.MilvusService} on Quiver: collections, load state, indexes, partitions (the default one
 * and partition keys), inserts/upserts/deletes through the WAL, search, hybrid search, query, count, get, flush. Every
 * failure answers a Milvus status naming what was refused (field, value, reason); RPCs not listed in
 * {@link #SERVED} answer an "unimplemented" status (see {@link Unimplemented}).
 */
public final class QuiverMilvusService extends MilvusServiceGrpc.MilvusServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(QuiverMilvusService.class);

  /** gRPC method names this service implements; every other MilvusService method is answered by Unimplemented. */
  public static final Set<String> SERVED = Set.of("Connect", "GetVersion", "CheckHealth", "CreateCollection",
      "DescribeCollection", "HasCollection", "DropCollection", "ShowCollections", "LoadCollection",
      "ReleaseCollection", "GetLoadState", "GetLoadingProgress", "GetCollectionStatistics", "CreatePartition",
      "DropPartition", "LoadPartitions", "ReleasePartitions", "HasPartition", "ShowPartitions",
      "GetPartitionStatistics", "CreateIndex", "DescribeIndex", "DropIndex", "Insert", "Upsert", "Delete", "Search", "HybridSearch", "Query", "Flush", "GetFlushState", "AllocTimestamp");

  private final ZkCluster cluster;
  private final Collections collections;
  private final Consistency consistency;
  private final Reads reads;
  private final String kafkaBootstrap;
  private final int defaultShards;

  public QuiverMilvusService(ZkCluster cluster, Proxy proxy, Consistency consistency, String kafkaBootstrap,
      long timeoutMillis, int defaultShards) {
    this.cluster = cluster;
    this.collections = new Collections(cluster, kafkaBootstrap);
    this.consistency = consistency;
    this.reads = new Reads(collections, proxy, consistency, timeoutMillis);
    this.kafkaBootstrap = kafkaBootstrap;
    this.defaultShards = defaultShards;
  }

  /** Runs a handler; any failure becomes the response built by {@code onError} from a Milvus status. */
  private <R> void run(StreamObserver<R> obs, String what, Supplier<R> handler, Function<Status, R> onError) {
    R out;
    try {
      out = handler.get();
    } catch (MilvusException e) {
      out = onError.apply(MilvusStatus.error(e.code(), e.getMessage()));
    } catch (NoSuchCollectionException e) {
      out = onError.apply(MilvusStatus.error(MilvusStatus.COLLECTION_NOT_FOUND, e.getMessage()));
    } catch (IllegalArgumentException e) { // ValidationException, FilterException, NodeRejected
      out = onError.apply(MilvusStatus.error(MilvusStatus.PARAMETER_INVALID, e.getMessage()));
    } catch (Proxy.Unavailable e) {
      out = onError.apply(MilvusStatus.error(MilvusStatus.UNEXPECTED, e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("{} failed", what, e);
      out = onError.apply(MilvusStatus.error(MilvusStatus.UNEXPECTED, what + " failed: " + e));
    }
    obs.onNext(out);
    obs.onCompleted();
  }

  private void runStatus(StreamObserver<Status> obs, String what, Runnable handler) {
    run(obs, what, () -> {
      handler.run();
      return MilvusStatus.SUCCESS;
    }, s -> s);
  }

  // ---- connection

  @Override
  public void connect(ConnectRequest request, StreamObserver<ConnectResponse> obs) {
    run(obs, "Connect", () -> ConnectResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
        .setServerInfo(ServerInfo.newBuilder().setBuildTags("quiver-0.1.0").setDeployMode("CLUSTER"))
        .setIdentifier(System.nanoTime() & 0xffffffL).build(),
        s -> ConnectResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void getVersion(GetVersionRequest request, StreamObserver<GetVersionResponse> obs) {
    run(obs, "GetVersion", () -> GetVersionResponse.newBuilder().setStatus(MilvusStatus.SUCCESS).setVersion("v2.6.0")
        .build(), s -> GetVersionResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void checkHealth(CheckHealthRequest request, StreamObserver<CheckHealthResponse> obs) {
    run(obs, "CheckHealth", () -> {
      boolean zk = cluster.zk().getZookeeperClient().isConnected();
      CheckHealthResponse.Builder b = CheckHealthResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
          .setIsHealthy(zk);
      if (!zk) {
        b.addReasons("not connected to ZooKeeper");
      }
      return b.build();
    }, s -> CheckHealthResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void allocTimestamp(AllocTimestampRequest request, StreamObserver<AllocTimestampResponse> obs) {
    run(obs, "AllocTimestamp", () -> AllocTimestampResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
        .setTimestamp(consistency.nextTimestamp()).build(), s -> AllocTimestampResponse.newBuilder().setStatus(s)
        .build());
  }

  // ---- collections

  @Override
  public void createCollection(CreateCollectionRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "CreateCollection", () -> {
      Collections.checkName(r.getCollectionName());
      io.quiver.serving.milvus.proto.CollectionSchema ps;
      try {
        ps = io.quiver.serving.milvus.proto.CollectionSchema.parseFrom(r.getSchema());
      } catch (InvalidProtocolBufferException e) {
        throw new ValidationException("schema", null, "not a Milvus CollectionSchema: " + e.getMessage());
      }
      CollectionSchema schema = ProtoSchemas.fromProto(ps);
      int shards = r.getShardsNum() > 0 ? r.getShardsNum() : defaultShards;
      if (cluster.catalog().exists(r.getCollectionName())) {
        throw new MilvusException(MilvusStatus.PARAMETER_INVALID, "collection already exists[collection="
            + r.getCollectionName() + "]");
      }
      Map<String, String> props = new HashMap<>();
      props.put("milvus.consistency_level", Consistency.Level.values()[r.getConsistencyLevelValue()].name());
      int numPartitions = Partitions.numPartitions(schema, r.getNumPartitions());
      WalTopics.ensureTopics(Map.of("bootstrap.servers", kafkaBootstrap), r.getCollectionName(), shards);
      cluster.catalog().create(r.getCollectionName(), schema, shards, Map.of(), props);
      if (numPartitions > 0) {
        Partitions.partitionKeyPartitions(cluster, r.getCollectionName(), numPartitions);
      }
    });
  }

  @Override
  public void describeCollection(DescribeCollectionRequest r, StreamObserver<DescribeCollectionResponse> obs) {
    run(obs, "DescribeCollection", () -> {
      Manifest m = collections.manifest(r.getCollectionName());
      long ts = m.timestampMillis() << 18;
      return DescribeCollectionResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
          .setSchema(ProtoSchemas.toProto(r.getCollectionName(), m.schema()))
          .setCollectionID(collectionId(r.getCollectionName())).setCollectionName(r.getCollectionName())
          .setShardsNum(m.shards()).setDbName("default").setCreatedTimestamp(ts).setUpdateTimestamp(ts)
          .setCreatedUtcTimestamp(m.timestampMillis()).setNumPartitions(m.partitions().size())
          .setConsistencyLevelValue(Collections.defaultLevel(m).ordinal())
          .addVirtualChannelNames(WalTopics.walTopic(r.getCollectionName())).build();
    }, s -> DescribeCollectionResponse.newBuilder().setStatus(s).build());
  }

  private static long collectionId(String name) {
    return name.hashCode() & 0x7fffffffL;
  }

  @Override
  public void hasCollection(HasCollectionRequest r, StreamObserver<BoolResponse> obs) {
    run(obs, "HasCollection", () -> {
      Collections.checkName(r.getCollectionName());
      boolean has;
      try {
        has = cluster.catalog().exists(r.getCollectionName());
      } catch (IllegalArgumentException e) {
        has = false;
      }
      return BoolResponse.newBuilder().setStatus(MilvusStatus.SUCCESS).setValue(has).build();
    }, s -> BoolResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void dropCollection(DropCollectionRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "DropCollection", () -> {
      collections.manifest(r.getCollectionName());
      cluster.drop(r.getCollectionName());
      Indexes.forget(cluster, r.getCollectionName());
      collections.forget(r.getCollectionName());
      consistency.forget(r.getCollectionName());
      consistency.deleteTopics(r.getCollectionName());
    });
  }

  @Override
  public void showCollections(ShowCollectionsRequest r, StreamObserver<ShowCollectionsResponse> obs) {
    run(obs, "ShowCollections", () -> {
      ShowCollectionsResponse.Builder b = ShowCollectionsResponse.newBuilder().setStatus(MilvusStatus.SUCCESS);
      for (String name : cluster.catalog().list()) {
        b.addCollectionNames(name).addCollectionIds(collectionId(name)).addCreatedTimestamps(0)
            .addCreatedUtcTimestamps(0).addInMemoryPercentages(cluster.isLoaded(name) ? 100 : 0)
            .addQueryServiceAvailable(cluster.isLoaded(name));
      }
      return b.build();
    }, s -> ShowCollectionsResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void loadCollection(LoadCollectionRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "LoadCollection", () -> {
      collections.manifest(r.getCollectionName());
      cluster.setLoaded(r.getCollectionName(), true);
    });
  }

  @Override
  public void releaseCollection(ReleaseCollectionRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "ReleaseCollection", () -> {
      collections.manifest(r.getCollectionName());
      cluster.setLoaded(r.getCollectionName(), false);
    });
  }

  /**
   * Loaded when flagged (and, with partition names, each of them loaded) and every shard has a registered owner.
   */
  private LoadState loadState(String name, List<String> partitions) {
    Manifest m = collections.manifest(name);
    if (!cluster.isLoaded(name) || !Partitions.allLoaded(cluster, m, partitions)) {
      return LoadState.LoadStateNotLoad;
    }
    Assignment a = cluster.assignment();
    for (int s = 0; s < m.shards(); s++) {
      if (a.owners(name, s).isEmpty()) {
        return LoadState.LoadStateLoading;
      }
    }
    return LoadState.LoadStateLoaded;
  }

  @Override
  public void getLoadState(GetLoadStateRequest r, StreamObserver<GetLoadStateResponse> obs) {
    run(obs, "GetLoadState", () -> GetLoadStateResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
        .setState(loadState(r.getCollectionName(), r.getPartitionNamesList())).build(),
        s -> GetLoadStateResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void getLoadingProgress(GetLoadingProgressRequest r, StreamObserver<GetLoadingProgressResponse> obs) {
    run(obs, "GetLoadingProgress", () -> {
      LoadState st = loadState(r.getCollectionName(), r.getPartitionNamesList());
      return GetLoadingProgressResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
          .setProgress(st == LoadState.LoadStateLoaded ? 100 : 0).setRefreshProgress(100).build();
    }, s -> GetLoadingProgressResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void getCollectionStatistics(GetCollectionStatisticsRequest r,
      StreamObserver<GetCollectionStatisticsResponse> obs) {
    run(obs, "GetCollectionStatistics", () -> {
      Manifest m = collections.manifest(r.getCollectionName());
      long rows = m.totalRows();
      if (cluster.isLoaded(r.getCollectionName())) {
        QueryResults q = reads.query(QueryRequest.newBuilder().setCollectionName(r.getCollectionName())
            .addOutputFields("count(*)").setConsistencyLevel(ConsistencyLevel.Strong).build());
        rows = q.getFieldsData(0).getScalars().getLongData().getData(0);
      }
      return GetCollectionStatisticsResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
          .addStats(ProtoSchemas.kv("row_count", Long.toString(rows))).build();
    }, s -> GetCollectionStatisticsResponse.newBuilder().setStatus(s).build());
  }

  // ---- partitions: named ones (Create/Drop), or Milvus's partition-key partitions _default_0.._default_<n-1>

  @Override
  public void createPartition(CreatePartitionRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "CreatePartition", () -> Partitions.create(cluster, collections.manifest(r.getCollectionName()),
        r.getPartitionName()));
  }

  @Override
  public void dropPartition(DropPartitionRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "DropPartition", () -> Partitions.drop(cluster, collections.manifest(r.getCollectionName()),
        r.getPartitionName()));
  }

  @Override
  public void loadPartitions(LoadPartitionsRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "LoadPartitions", () -> Partitions.load(cluster, collections.manifest(r.getCollectionName()),
        r.getPartitionNamesList()));
  }

  @Override
  public void releasePartitions(ReleasePartitionsRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "ReleasePartitions", () -> Partitions.release(cluster, collections.manifest(r.getCollectionName()),
        r.getPartitionNamesList()));
  }

  @Override
  public void hasPartition(HasPartitionRequest r, StreamObserver<BoolResponse> obs) {
    run(obs, "HasPartition", () -> BoolResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
        .setValue(collections.manifest(r.getCollectionName()).partitions().contains(r.getPartitionName())).build(),
        s -> BoolResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void showPartitions(ShowPartitionsRequest r, StreamObserver<ShowPartitionsResponse> obs) {
    run(obs, "ShowPartitions", () -> Partitions.show(cluster, collections.manifest(r.getCollectionName()),
        r.getPartitionNamesList()),
        s -> ShowPartitionsResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void getPartitionStatistics(GetPartitionStatisticsRequest r,
      StreamObserver<GetPartitionStatisticsResponse> obs) {
    run(obs, "GetPartitionStatistics", () -> {
      Manifest m = collections.manifest(r.getCollectionName());
      Collections.checkPartition(m, r.getPartitionName());
      long rows = 0;
      if (Partitions.allLoaded(cluster, m, List.of(r.getPartitionName()))) {
        rows = reads.count(r.getCollectionName(), m, r.getPartitionName());
      } else { // not loaded (the collection or this partition): what the manifest says
        for (io.quiver.engine.catalog.SegmentEntry s : m.segments()) {
          rows += s.stats().partition().equals(r.getPartitionName()) ? s.rowCount() : 0;
        }
      }
      return GetPartitionStatisticsResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
          .addStats(ProtoSchemas.kv("row_count", Long.toString(rows))).build();
    }, s -> GetPartitionStatisticsResponse.newBuilder().setStatus(s).build());
  }

  // ---- indexes

  @Override
  public void createIndex(CreateIndexRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "CreateIndex", () -> Indexes.create(cluster, collections.manifest(r.getCollectionName()), r));
  }

  @Override
  public void describeIndex(DescribeIndexRequest r, StreamObserver<DescribeIndexResponse> obs) {
    run(obs, "DescribeIndex", () -> Indexes.describe(cluster, collections.manifest(r.getCollectionName()), r),
        s -> DescribeIndexResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void dropIndex(DropIndexRequest r, StreamObserver<Status> obs) {
    runStatus(obs, "DropIndex", () -> Indexes.drop(cluster, collections.manifest(r.getCollectionName()), r));
  }

  // ---- writes

  private MutationResult mutation(String collection, WriteResult w, String op) {
    long ts = consistency.recordWrite(collection, w.token());
    ServingMetrics.countWrites(op, w.count());
    MutationResult.Builder b = MutationResult.newBuilder().setStatus(MilvusStatus.SUCCESS).setTimestamp(ts);
    IDs.Builder ids = IDs.newBuilder();
    if (!w.primaryKeys().isEmpty() && w.primaryKeys().get(0) instanceof String) {
      StringArray.Builder s = StringArray.newBuilder();
      w.primaryKeys().forEach(pk -> s.addData((String) pk));
      ids.setStrId(s);
    } else {
      LongArray.Builder l = LongArray.newBuilder();
      w.primaryKeys().forEach(pk -> l.addData((Long) pk));
      ids.setIntId(l);
    }
    for (int i = 0; i < w.count(); i++) {
      b.addSuccIndex(i);
    }
    b.setIDs(ids);
    switch (op) {
      case "insert":
        b.setInsertCnt(w.count());
        break;
      case "upsert":
        b.setUpsertCnt(w.count());
        break;
      default:
        b.setDeleteCnt(w.count());
    }
    return b.build();
  }

  @Override
  public void insert(InsertRequest r, StreamObserver<MutationResult> obs) {
    run(obs, "Insert", () -> {
      Manifest m = collections.loaded(r.getCollectionName());
      String partition = Partitions.writePartition(m, r.getPartitionName());
      List<Map<String, Object>> rows = FieldDataCodec.rows(m.schema(), r.getFieldsDataList(), r.getNumRows());
      return mutation(r.getCollectionName(), collections.writer(r.getCollectionName(), m).insert(partition, rows),
          "insert");
    }, s -> MutationResult.newBuilder().setStatus(s).build());
  }

  @Override
  public void upsert(UpsertRequest r, StreamObserver<MutationResult> obs) {
    run(obs, "Upsert", () -> {
      Manifest m = collections.loaded(r.getCollectionName());
      String partition = Partitions.writePartition(m, r.getPartitionName());
      List<Map<String, Object>> rows = FieldDataCodec.rows(m.schema(), r.getFieldsDataList(), r.getNumRows());
      return mutation(r.getCollectionName(), collections.writer(r.getCollectionName(), m).upsert(partition, rows),
          "upsert");
    }, s -> MutationResult.newBuilder().setStatus(s).build());
  }

  @Override
  public void delete(DeleteRequest r, StreamObserver<MutationResult> obs) {
    run(obs, "Delete", () -> {
      Manifest m = collections.loaded(r.getCollectionName());
      String expr = r.getExpr();
      if (expr == null || expr.isBlank()) {
        throw new ValidationException("expr", expr, "a delete needs a filter expression (e.g. id in [1, 2])");
      }
      Map<String, Object> params = FieldDataCodec.templateValues(r.getExprTemplateValuesMap());
      Set<Object> exact = Filters.parse(expr, m.schema(), params).exactPrimaryKeys();
      String partition = Partitions.writePartition(m, r.getPartitionName());
      // Keys named outright are deleted as they are, loaded or not (as Milvus does); any other filter is evaluated
      // over the loaded partitions at STRONG consistency, and a released partition named is "partition not loaded".
      List<Object> pks = exact != null ? List.copyOf(exact) : reads.matchingKeys(r.getCollectionName(), m, expr,
          params, Partitions.forRead(m, partition == null ? List.of() : List.of(partition),
              collections.loadedPartitions(r.getCollectionName()), null, Map.of()));
      return mutation(r.getCollectionName(), collections.writer(r.getCollectionName(), m).delete(partition, pks),
          "delete");
    }, s -> MutationResult.newBuilder().setStatus(s).build());
  }

  // ---- reads

  @Override
  public void search(io.quiver.serving.milvus.proto.SearchRequest r, StreamObserver<SearchResults> obs) {
    run(obs, "Search", () -> reads.search(r), s -> SearchResults.newBuilder().setStatus(s).build());
  }

  @Override
  public void hybridSearch(HybridSearchRequest r, StreamObserver<SearchResults> obs) {
    run(obs, "HybridSearch", () -> reads.hybridSearch(r), s -> SearchResults.newBuilder().setStatus(s).build());
  }

  @Override
  public void query(QueryRequest r, StreamObserver<QueryResults> obs) {
    run(obs, "Query", () -> reads.query(r), s -> QueryResults.newBuilder().setStatus(s).build());
  }

  @Override
  public void flush(FlushRequest r, StreamObserver<FlushResponse> obs) {
    run(obs, "Flush", () -> {
      for (String c : r.getCollectionNamesList()) {
        collections.manifest(c);
      }
      // Every acknowledged write is durable in the WAL already and sealed by the ingestion job on its own
      // schedule; there is nothing to wait for here.
      return FlushResponse.newBuilder().setStatus(MilvusStatus.SUCCESS).setDbName("default").build();
    }, s -> FlushResponse.newBuilder().setStatus(s).build());
  }

  @Override
  public void getFlushState(GetFlushStateRequest r, StreamObserver<GetFlushStateResponse> obs) {
    run(obs, "GetFlushState", () -> GetFlushStateResponse.newBuilder().setStatus(MilvusStatus.SUCCESS)
        .setFlushed(true).build(), s -> GetFlushStateResponse.newBuilder().setStatus(s).build());
  }

  /** Closes the WAL writers (flushing what they hold). */
  public void close() {
    collections.close();
  }
}
