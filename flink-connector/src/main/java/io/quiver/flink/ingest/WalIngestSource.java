package io.quiver.flink.ingest;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.flink.IngestionOptions;
import io.quiver.wal.WalTopics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The WAL of one collection as a Flink source that seals as it reads: one split per WAL partition (= shard), the
 * shard's growing segment built on the reader that reads it ({@link WalIngestReader}), sealed pieces and dead letters
 * emitted ({@link IngestEvent}). Checkpoints hold one offset per shard, never rows. Unbounded.
 */
public final class WalIngestSource
    implements Source<IngestEvent, WalSplit, WalSplit.EnumeratorState>, ResultTypeQueryable<IngestEvent> {
  private static final long serialVersionUID = 1L;

  private final IngestionOptions options;

  public WalIngestSource(IngestionOptions options) {
    this.options = options;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SourceReader<IngestEvent, WalSplit> createReader(SourceReaderContext context) {
    context.getUserCodeClassLoader().registerReleaseHookIfAbsent(ManifestSink.SHARED_CLIENTS_HOOK,
        Catalog::releaseSharedClients);
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    Manifest m = catalog.current(options.collection());
    Sealer sealer = new Sealer(options.collection(), catalog.conf(), catalog.collectionDir(options.collection()),
        m.schema(), m.previousSchemas(), m.indexSpecs(), options.indexer());
    Map<Integer, Long> ends = new ConcurrentHashMap<>();
    SegmentGrowth growth = new SegmentGrowth(options, m, sealer, context.metricGroup(),
        "quiver-sealer-" + options.collection() + "-" + context.getIndexOfSubtask(), ends);
    Map<String, Object> consumer = kafkaProperties();
    String topic = WalTopics.walTopic(options.collection());
    return new WalIngestReader(() -> new WalFetcher(consumer, topic, ends), growth, context);
  }

  @Override
  public SplitEnumerator<WalSplit, WalSplit.EnumeratorState> createEnumerator(
      SplitEnumeratorContext<WalSplit> context) {
    return enumerator(context, null);
  }

  @Override
  public SplitEnumerator<WalSplit, WalSplit.EnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<WalSplit> context, WalSplit.EnumeratorState state) {
    return enumerator(context, state);
  }

  private WalEnumerator enumerator(SplitEnumeratorContext<WalSplit> context,
      @Nullable WalSplit.EnumeratorState state) {
    Manifest m = Catalog.open(options.warehouse(), options.hadoopProperties()).current(options.collection());
    return new WalEnumerator(context, kafkaProperties(), WalTopics.walTopic(options.collection()), m.shards(),
        m.committedOffsets(), state);
  }

  private Map<String, Object> kafkaProperties() {
    Map<String, Object> p = new HashMap<>(options.kafkaProperties());
    p.put("bootstrap.servers", options.bootstrapServers());
    return p;
  }

  @Override
  public SimpleVersionedSerializer<WalSplit> getSplitSerializer() {
    return new WalSplit.Serializer();
  }

  @Override
  public SimpleVersionedSerializer<WalSplit.EnumeratorState> getEnumeratorCheckpointSerializer() {
    return new WalSplit.EnumeratorState.Serializer();
  }

  @Override
  public TypeInformation<IngestEvent> getProducedType() {
    return TypeInformation.of(IngestEvent.class);
  }
}
