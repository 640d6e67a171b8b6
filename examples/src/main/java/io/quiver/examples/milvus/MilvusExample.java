package io.quiver.examples.milvus;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.GetReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A plain Milvus Java SDK program ({@code MilvusClientV2}, nothing Quiver-specific) against a Quiver node, e.g. one
 * started with {@code bin/quiver serve --config node.properties} or the quickstart:
 *
 * <pre>
 * java -cp quiver-examples.jar:milvus-sdk-java-2.6.x.jar:... io.quiver.examples.milvus.MilvusExample http://127.0.0.1:19530
 * </pre>
 *
 * It creates a collection {@code books} (dropping an old one), builds an HNSW index, inserts 1,000 books, searches
 * with a filter, counts, gets by id, upserts one and deletes two, printing what each step returned. Every read asks
 * for consistency STRONG, so it sees the writes that just returned (they are in the Kafka WAL until Flink seals them).
 */
public final class MilvusExample {
  static final String COLLECTION = "books";
  static final int DIM = 8;
  static final int BOOKS = 1_000;

  private MilvusExample() {}

  /** What the program saw, for whoever runs it (the examples' IT checks it). */
  public record Result(long inserted, List<Object> nearest, long countAfterInsert, Object titleAfterUpsert,
      long countAfterDelete, List<Object> deletedStillFound) {}

  public static void main(String[] args) {
    String uri = args.length > 0 ? args[0] : "http://127.0.0.1:19530";
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(uri).build());
    try {
      Result r = run(client);
      System.out.println("MilvusExample OK: " + r);
    } finally {
      client.close();
    }
  }

  /** The whole tour on one client. */
  public static Result run(MilvusClientV2 client) {
    if (client.hasCollection(HasCollectionReq.builder().collectionName(COLLECTION).build())) {
      client.dropCollection(DropCollectionReq.builder().collectionName(COLLECTION).build());
    }
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).autoID(false)
        .build());
    schema.addField(AddFieldReq.builder().fieldName("embedding").dataType(DataType.FloatVector).dimension(DIM)
        .build());
    schema.addField(AddFieldReq.builder().fieldName("title").dataType(DataType.VarChar).maxLength(64).build());
    schema.addField(AddFieldReq.builder().fieldName("year").dataType(DataType.Int32).build());
    client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).collectionSchema(schema)
        .numShards(2).build());
    client.createIndex(CreateIndexReq.builder().collectionName(COLLECTION).indexParams(List.of(IndexParam.builder()
        .fieldName("embedding").indexType(IndexParam.IndexType.HNSW).metricType(IndexParam.MetricType.COSINE)
        .extraParams(Map.of("M", 16, "efConstruction", 64)).build())).build());
    client.loadCollection(LoadCollectionReq.builder().collectionName(COLLECTION).build());

    Random random = new Random(2024);
    List<JsonObject> books = new ArrayList<>();
    for (long id = 0; id < BOOKS; id++) {
      books.add(book(id, vector(random), "Book " + id, 1950 + (int) (id % 75)));
    }
    long inserted = client.insert(InsertReq.builder().collectionName(COLLECTION).data(books).build()).getInsertCnt();
    System.out.println("inserted " + inserted + " books");

    float[] query = vector(new Random(7));
    SearchResp found = client.search(SearchReq.builder().collectionName(COLLECTION).annsField("embedding")
        .data(List.of(new FloatVec(query))).topK(5).filter("year >= 2000 and title like \"Book %\"")
        .outputFields(List.of("title", "year")).consistencyLevel(ConsistencyLevel.STRONG).build());
    List<Object> nearest = new ArrayList<>();
    for (SearchResp.SearchResult hit : found.getSearchResults().get(0)) {
      nearest.add(hit.getId());
      System.out.printf("  %-6s %-10s %s  score %.4f%n", hit.getId(), hit.getEntity().get("title"),
          hit.getEntity().get("year"), hit.getScore());
    }
    long count = count(client);
    System.out.println("count(*) = " + count);

    client.upsert(UpsertReq.builder().collectionName(COLLECTION)
        .data(List.of(book(42, vector(random), "The Answer, 2nd edition", 2025))).build());
    Object title = client.get(GetReq.builder().collectionName(COLLECTION).ids(List.of(42L))
        .outputFields(List.of("title")).build()).getGetResults().get(0).getEntity().get("title");
    System.out.println("after the upsert, book 42 is '" + title + "'");

    client.delete(DeleteReq.builder().collectionName(COLLECTION).ids(List.of(7L, 8L)).build());
    long countAfterDelete = count(client);
    List<Object> stillThere = new ArrayList<>();
    for (QueryResp.QueryResult row : client.query(QueryReq.builder().collectionName(COLLECTION)
        .filter("id in [7, 8]").outputFields(List.of("id")).consistencyLevel(ConsistencyLevel.STRONG).build())
        .getQueryResults()) {
      stillThere.add(row.getEntity().get("id"));
    }
    System.out.println("after deleting books 7 and 8: count(*) = " + countAfterDelete);
    return new Result(inserted, nearest, count, title, countAfterDelete, stillThere);
  }

  static long count(MilvusClientV2 client) {
    return (Long) client.query(QueryReq.builder().collectionName(COLLECTION).outputFields(List.of("count(*)"))
        .consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults().get(0).getEntity().get("count(*)");
  }

  static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  static JsonObject book(long id, float[] v, String title, int year) {
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    JsonArray a = new JsonArray();
    for (float f : v) {
      a.add(f);
    }
    o.add("embedding", a);
    o.addProperty("title", title);
    o.addProperty("year", year);
    return o;
  }
}
