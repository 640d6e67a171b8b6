package io.quiver.flink.ingest;

import io.quiver.engine.catalog.Catalog;
import io.quiver.flink.IngestionOptions;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The two-phase commit of sealed pieces into the manifest (Sink V2): the writer turns the pieces received before a
 * checkpoint barrier into that checkpoint's committable; Flink stores it in the checkpoint and, once the checkpoint
 * is complete, hands it to {@link StreamCommitter}, which commits the manifest. Run it with parallelism 1: one
 * committer per collection, one manifest commit per checkpoint.
 */
public final class ManifestSink implements Sink<SealedPiece>, SupportsCommitter<ManifestCommittable> {
  private static final long serialVersionUID = 1L;

  /**
   * Name of the class-loader release hook that closes the catalog's shared clients (the ZooKeeper pointer store's
   * connection) when Flink unloads the job's code, registered by every operator that opens a catalog.
   */
  static final String SHARED_CLIENTS_HOOK = "quiver-catalog-shared-clients";

  private final IngestionOptions options;

  public ManifestSink(IngestionOptions options) {
    this.options = options;
  }

  @Override
  public SinkWriter<SealedPiece> createWriter(WriterInitContext context) {
    // The committer shares this task (and its class loader) but its init context cannot register hooks.
    context.getUserCodeClassLoader().registerReleaseHookIfAbsent(SHARED_CLIENTS_HOOK, Catalog::releaseSharedClients);
    return new ManifestSinkWriter();
  }

  @Override
  public Committer<ManifestCommittable> createCommitter(CommitterInitContext context) {
    return new StreamCommitter(options);
  }

  @Override
  public SimpleVersionedSerializer<ManifestCommittable> getCommittableSerializer() {
    return new ManifestCommittableSerializer();
  }
}
