package io.quiver.spark.write;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;

/** Ships the {@link WriteSpec} to executors and opens one {@link QuiverDataWriter} per task attempt. */
final class QuiverWriterFactory implements DataWriterFactory {
  private static final long serialVersionUID = 1L;

  private final WriteSpec spec;

  QuiverWriterFactory(WriteSpec spec) {
    this.spec = spec;
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
    return new QuiverDataWriter(spec, partitionId, taskId);
  }
}
