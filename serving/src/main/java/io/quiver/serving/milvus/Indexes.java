package io.quiver.serving.milvus;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.coordinator.ZkCluster;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.index.VectorIndexes;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import io.quiver.serving.milvus.MilvusStatus.MilvusException;
import io.quiver.serving.milvus.proto.CreateIndexRequest;
import io.quiver.serving.milvus.proto.DescribeIndexRequest;
import io.quiver.serving.milvus.proto.DescribeIndexResponse;
import io.quiver.serving.milvus.proto.DropIndexRequest;
import io.quiver.serving.milvus.proto.IndexDescription;
import io.quiver.serving.milvus.proto.IndexState;
import io.quiver.serving.milvus.proto.KeyValuePair;
import io.quiver.serving.node.NodeRequests;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Milvus indexes ↔ Quiver index specs: {@code FLAT} → FLAT, {@code HNSW} → GRAPH ({@code M} → max_degree 2M,
 * {@code efConstruction} → beam_width), {@code DISKANN} → GRAPH_PQ ({@code max_degree}, {@code search_list_size} →
 * beam_width), {@code AUTOINDEX} → GRAPH. The metric is a property of the vector field in Quiver: a collection
 * without data takes the index's metric (it is re-created with it); one with data keeps its metric, and an index
 * with another one is refused. The Milvus index name and parameters are kept
 * in ZooKeeper ({@code /milvus-index/<collection>/<field>}), since index specs hold only engine parameters.
 */
final class Indexes {
  private Indexes() {}

  static void create(ZkCluster cluster, Manifest m, CreateIndexRequest r) {
    CollectionSchema schema = m.schema();
    FieldSchema f = schema.field(r.getFieldName());
    if (f == null) {
      throw new ValidationException("field_name", r.getFieldName(), "unknown field; the schema has "
          + schema.fieldNames());
    }
    Map<String, String> p = new HashMap<>();
    for (KeyValuePair kv : r.getExtraParamsList()) {
      p.put(kv.getKey(), kv.getValue());
    }
    if (!f.type().isVector()) {
      return; // scalar indexes: filters are evaluated on Arrow columns with stats pruning; nothing to build
    }
    JsonNode params = NodeRequests.JSON.createObjectNode();
    try {
      if (p.containsKey("params")) {
        params = NodeRequests.JSON.readTree(p.get("params"));
      }
    } catch (Exception e) {
      throw new ValidationException("params", p.get("params"), "not a JSON object");
    }
    String type = p.getOrDefault("index_type", "AUTOINDEX").toUpperCase(Locale.ROOT);
    MetricType metric;
    try {
      metric = p.containsKey("metric_type") ? MetricType.parse(p.get("metric_type")) : f.metric();
    } catch (IllegalArgumentException e) {
      throw new ValidationException("metric_type", p.get("metric_type"), "expected L2, IP or COSINE");
    }
    Map<String, String> qp = new TreeMap<>();
    String kind;
    switch (type) {
      case "FLAT":
        kind = "FLAT";
        break;
      case "HNSW":
      case "AUTOINDEX":
        kind = "GRAPH";
        if (params.has("M")) {
          qp.put("max_degree", Integer.toString(Math.max(4, params.get("M").asInt() * 2)));
        }
        if (params.has("efConstruction")) {
          qp.put("beam_width", params.get("efConstruction").asText());
        }
        break;
      case "DISKANN":
        kind = "GRAPH_PQ";
        if (params.has("max_degree")) {
          qp.put("max_degree", params.get("max_degree").asText());
        }
        if (params.has("search_list_size")) {
          qp.put("beam_width", params.get("search_list_size").asText());
        }
        break;
      default:
        throw new ValidationException("index_type", type, "supported: FLAT, HNSW, DISKANN, AUTOINDEX");
    }
    VectorIndexes.factory(kind).validate(qp); // refuses bad values naming the parameter
    Map<String, IndexSpec> specs = new TreeMap<>(m.indexSpecs());
    specs.put(f.name(), new IndexSpec(kind, qp));
    Map<String, String> meta = new TreeMap<>();
    meta.put("index_name", r.getIndexName().isEmpty() ? f.name() : r.getIndexName());
    meta.put("index_type", type);
    meta.put("params", params.toString());
    writeMeta(cluster, m.collection(), f.name(), meta);
    String name = m.collection();
    if (metric != f.metric()) {
      boolean empty = m.segments().isEmpty() && m.committedOffsets().values().stream().allMatch(o -> o < 0)
          && !cluster.isLoaded(name);
      if (!empty) {
        throw new ValidationException("metric_type", metric, "field '" + f.name() + "' holds data compared with "
            + f.metric() + "; drop and re-create the collection to change the metric");
      }
      // Nothing was written (inserts need a loaded collection): re-create with the metric the index asks for.
      cluster.catalog().drop(name);
      cluster.deletePointer(name);
      cluster.catalog().create(name, ProtoSchemas.withMetric(m.schema(), f.name(), metric), m.shards(), specs,
          m.properties());
      if (!m.partitions().equals(List.of(io.quiver.engine.wal.WalRecord.DEFAULT_PARTITION))) {
        cluster.catalog().committer(name).commit(CommitMessage.builder("partitions").partitions(m.partitions())
            .build()); // keep the partitions (created ones, or the partition key's) across the re-creation
      }
      return;
    }
    cluster.catalog().committer(name).commit(CommitMessage.builder("index").indexSpecs(specs).build());
  }

  /** The Milvus side of an index (name, type, parameters as given) lives in ZooKeeper beside the catalog. */
  static String metaPath(String collection, String field) {
    return "/milvus-index/" + collection + "/" + field;
  }

  static void writeMeta(ZkCluster cluster, String collection, String field, Map<String, String> meta) {
    try {
      byte[] b = NodeRequests.JSON.writeValueAsBytes(meta);
      String path = metaPath(collection, field);
      if (cluster.zk().checkExists().forPath(path) == null) {
        cluster.zk().create().creatingParentsIfNeeded().forPath(path, b);
      } else {
        cluster.zk().setData().forPath(path, b);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot store the index description of " + collection + "." + field, e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> readMeta(ZkCluster cluster, String collection, String field) {
    try {
      return NodeRequests.JSON.readValue(cluster.zk().getData().forPath(metaPath(collection, field)), Map.class);
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      return null;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the index description of " + collection + "." + field, e);
    }
  }

  /** Forgets every index description of a dropped collection. */
  static void forget(ZkCluster cluster, String collection) {
    try {
      cluster.zk().delete().deletingChildrenIfNeeded().forPath("/milvus-index/" + collection);
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      // none
    } catch (Exception e) {
      throw new IllegalStateException("Cannot forget the indexes of " + collection, e);
    }
  }

  static DescribeIndexResponse describe(ZkCluster cluster, Manifest m, DescribeIndexRequest r) {
    DescribeIndexResponse.Builder b = DescribeIndexResponse.newBuilder().setStatus(MilvusStatus.SUCCESS);
    m.indexSpecs().forEach((field, spec) -> {
      Map<String, String> meta = readMeta(cluster, m.collection(), field);
      if (meta == null) {
        return; // the implicit default FLAT, not created by the user
      }
      String name = meta.get("index_name");
      if ((!r.getIndexName().isEmpty() && !r.getIndexName().equals(name))
          || (!r.getFieldName().isEmpty() && !r.getFieldName().equals(field))) {
        return;
      }
      FieldSchema f = m.schema().field(field);
      b.addIndexDescriptions(IndexDescription.newBuilder().setIndexName(name).setFieldName(field)
          .setIndexID(field.hashCode() & 0x7fffffffL).setState(IndexState.Finished)
          .setIndexedRows(m.totalRows()).setTotalRows(m.totalRows())
          .addParams(ProtoSchemas.kv("index_type", meta.get("index_type")))
          .addParams(ProtoSchemas.kv("metric_type", f.metric().name()))
          .addParams(ProtoSchemas.kv("params", meta.get("params"))));
    });
    if (b.getIndexDescriptionsCount() == 0) {
      throw new MilvusException(25 /* IndexNotExist */, "index not found[collection=" + m.collection()
          + "][index=" + r.getIndexName() + "]");
    }
    return b.build();
  }

  static void drop(ZkCluster cluster, Manifest m, DropIndexRequest r) {
    Map<String, IndexSpec> specs = new TreeMap<>(m.indexSpecs());
    boolean found = false;
    for (Map.Entry<String, IndexSpec> e : m.indexSpecs().entrySet()) {
      Map<String, String> meta = readMeta(cluster, m.collection(), e.getKey());
      if (meta == null) {
        continue;
      }
      if (r.getIndexName().isEmpty() ? e.getKey().equals(r.getFieldName()) : meta.get("index_name")
          .equals(r.getIndexName())) {
        specs.put(e.getKey(), IndexSpec.flat());
        found = true;
        try {
          cluster.zk().delete().forPath(metaPath(m.collection(), e.getKey()));
        } catch (Exception ex) {
          throw new IllegalStateException("Cannot drop the index description of " + e.getKey(), ex);
        }
      }
    }
    if (!found) {
      throw new ValidationException("index_name", r.getIndexName(), "no such index on " + m.collection());
    }
    cluster.catalog().committer(m.collection()).commit(CommitMessage.builder("index").indexSpecs(specs).build());
  }
}
