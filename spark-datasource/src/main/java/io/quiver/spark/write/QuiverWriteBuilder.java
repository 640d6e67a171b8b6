package io.quiver.spark.write;

import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.wal.WalRecord;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.QuiverOptions;
import io.quiver.spark.SparkSchemas;
import java.util.UUID;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;

/**
 * Checks the DataFrame's schema against the collection before any task runs (unknown or missing columns, wrong
 * types: the job fails naming the column) and builds the batch write: {@code append} / {@code upsert} (the same under
 * the row order rule: the new row of an existing key wins), or an overwrite ({@code mode("overwrite")} arrives as
 * {@link #truncate()}; with option {@code partition} only that partition is replaced). Writing to a partition the
 * collection does not have yet creates it in the same commit.
 */
public final class QuiverWriteBuilder implements WriteBuilder, SupportsTruncate {
  private final QuiverOptions options;
  private final HadoopConf conf;
  private final Manifest manifest;
  private final LogicalWriteInfo info;
  private boolean truncate;

  public QuiverWriteBuilder(QuiverOptions options, HadoopConf conf, Manifest manifest, LogicalWriteInfo info) {
    this.options = options;
    this.conf = conf;
    this.manifest = manifest;
    this.info = info;
  }

  @Override
  public WriteBuilder truncate() {
    this.truncate = true;
    return this;
  }

  @Override
  public Write build() {
    SparkSchemas.checkWritable(info.schema(), manifest.schema());
    String partition = options.get(QuiverOptions.PARTITION);
    if (partition != null && (partition.isBlank() || partition.length() > 255)) {
      throw new IllegalArgumentException("Cannot write to partition '" + partition + "' of "
          + manifest.collection() + ": a partition name is 1-255 characters");
    }
    String mode = options.writeMode();
    WriteSpec spec = new WriteSpec(options.warehouse(), manifest.collection(), conf, manifest.schema(),
        manifest.shards(), info.queryId() + "-" + UUID.randomUUID(),
        partition == null ? WalRecord.DEFAULT_PARTITION : partition, options.onDuplicate(),
        options.longValue(QuiverOptions.SEGMENT_ROWS, 1_000_000, 1), info.schema());
    String operation = truncate ? "overwrite" : mode;
    boolean partitionOnly = partition != null;
    return new Write() {
      @Override
      public BatchWrite toBatch() {
        return new QuiverBatchWrite(spec, truncate, partitionOnly, operation);
      }

      @Override
      public String description() {
        return "QuiverWrite[" + manifest.collection() + ", " + operation + ", on_duplicate="
            + options.onDuplicate().name().toLowerCase(java.util.Locale.ROOT) + "]";
      }
    };
  }
}
