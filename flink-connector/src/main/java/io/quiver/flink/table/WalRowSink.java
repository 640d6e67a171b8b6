package io.quiver.flink.table;

import io.quiver.engine.io.ChecksummedJson;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.SchemaParser;
import io.quiver.engine.wal.WalOp;
import io.quiver.wal.WalWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.table.data.RowData;

/**
 * Writes a table's changelog to the WAL through {@link WalWriter}: INSERT and UPDATE_AFTER as upserts, DELETE as a
 * delete of the primary key, UPDATE_BEFORE ignored. At least once (the writer flushes on every checkpoint); since
 * every operation is an upsert or delete by key, a replay after a failure leaves the same rows.
 */
public final class WalRowSink implements Sink<RowData> {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final String collection;
  private final String schemaJson;
  private final int shards;
  private final ArrayList<String> columns;
  private final HashMap<String, String> kafka;

  WalRowSink(String bootstrapServers, String collection, String schemaJson, int shards, List<String> columns,
      Map<String, String> kafka) {
    this.bootstrapServers = bootstrapServers;
    this.collection = collection;
    this.schemaJson = schemaJson;
    this.shards = shards;
    this.columns = new ArrayList<>(columns);
    this.kafka = new HashMap<>(kafka);
  }

  String collection() {
    return collection;
  }

  @Override
  public SinkWriter<RowData> createWriter(WriterInitContext context) {
    CollectionSchema schema;
    try {
      schema = SchemaParser.fromJson(ChecksummedJson.MAPPER.readTree(schemaJson));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    WalWriter.Builder b = WalWriter.builder(bootstrapServers, collection, schema, shards);
    kafka.forEach(b::producerProperty);
    List<FlinkSchemas.FieldGetter> getters = new ArrayList<>();
    int pkColumn = -1;
    for (int i = 0; i < columns.size(); i++) {
      FieldSchema f = schema.requireField(columns.get(i));
      getters.add(FlinkSchemas.getter(f, i));
      if (f.isPrimaryKey()) {
        pkColumn = i;
      }
    }
    return new Writer(b.build(), columns, getters, pkColumn);
  }

  private static final class Writer implements SinkWriter<RowData> {
    private final WalWriter wal;
    private final List<String> columns;
    private final List<FlinkSchemas.FieldGetter> getters;
    private final int pkColumn;

    Writer(WalWriter wal, List<String> columns, List<FlinkSchemas.FieldGetter> getters, int pkColumn) {
      this.wal = wal;
      this.columns = columns;
      this.getters = getters;
      this.pkColumn = pkColumn;
    }

    @Override
    public void write(RowData row, Context context) {
      switch (row.getRowKind()) {
        case INSERT:
        case UPDATE_AFTER:
          Map<String, Object> values = new HashMap<>();
          for (int i = 0; i < columns.size(); i++) {
            values.put(columns.get(i), getters.get(i).get(row));
          }
          wal.append(WalOp.UPSERT, values);
          break;
        case DELETE:
          wal.append(WalOp.DELETE, getters.get(pkColumn).get(row));
          break;
        default:
          break; // UPDATE_BEFORE: the UPDATE_AFTER that follows is an upsert
      }
    }

    @Override
    public void flush(boolean endOfInput) {
      wal.flush();
    }

    @Override
    public void close() {
      wal.close();
    }
  }
}
