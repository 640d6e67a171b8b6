-- CDC-style upserts into a Quiver collection with Flink SQL.
--
-- A Debezium changelog of a `products` table (create / update / delete events as JSON in the Kafka topic
-- products.cdc) is upserted into the Quiver collection `products`: INSERT and UPDATE_AFTER become upserts into the
-- collection's Kafka WAL, DELETE becomes a delete, UPDATE_BEFORE is dropped (the sink is keyed by the primary key).
-- The rows are searchable at once through the serving tier (WAL tail); the ingestion job seals them into segments.
--
-- Before: the collection exists, e.g. created through the Milvus API or with
--   bin/quiver collections create products -w <warehouse> --hadoop quiver.catalog.zookeeper=<zk> --shards 2 \
--     --schema 'id:INT64:pk,embedding:FLOAT_VECTOR(4):L2,name:VARCHAR(64):null,price:DOUBLE:null'
-- Run: replace ${bootstrap}, ${warehouse} and ${zookeeper} (the serving tier's ZooKeeper, where the collection's
-- manifest pointer lives), then
--   sql-client.sh -j quiver-flink-connector-<version>-job.jar -f cdc-upserts.sql
-- The Kafka source stops at the topic's end offsets (scan.bounded.mode), so the INSERT finishes; drop that option for a
-- job that follows the changelog forever. (examples/src/test/.../ExamplesIT runs this file statement by statement
-- through a TableEnvironment on a Flink MiniCluster.)

CREATE TABLE product_changes (
  id BIGINT,
  embedding ARRAY<FLOAT>,
  name STRING,
  price DOUBLE,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'products.cdc',
  'properties.bootstrap.servers' = '${bootstrap}',
  'properties.group.id' = 'quiver-cdc-example',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'debezium-json'
);

CREATE TABLE products (
  id BIGINT NOT NULL,
  embedding ARRAY<FLOAT>,
  name STRING,
  price DOUBLE,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'quiver',
  'collection' = 'products',
  'bootstrap.servers' = '${bootstrap}',
  'warehouse' = '${warehouse}',
  'hadoop.quiver.catalog.zookeeper' = '${zookeeper}',
  'fields.embedding.dim' = '4'
);

INSERT INTO products SELECT id, embedding, name, price FROM product_changes;
