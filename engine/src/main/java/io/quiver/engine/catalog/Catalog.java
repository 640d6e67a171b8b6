package io.quiver.engine.catalog;

import io.quiver.engine.io.HadoopFiles;
import io.quiver.engine.schema.CollectionSchema;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A warehouse: a directory (local, {@code s3a://}, {@code hdfs://}) holding one directory per collection. Creates,
 * lists, opens and drops collections; hands out the {@link ManifestCommitter} and time travel.
 *
 * <p>Thread-safe. Local folders are accessed through Hadoop's {@link RawLocalFileSystem} (no {@code .crc} side files;
 * Parquet pages carry their own CRCs and Quiver's JSON files their CRC-32C).
 */
public final class Catalog {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

  private final Path root;
  private final Configuration conf;
  private final FileSystem fs;
  private final BiFunction<String, CollectionOperationsContext, PointerStore> pointerStores;

  /** What a pointer store factory gets to build the store of one collection. */
  public record CollectionOperationsContext(FileSystem fs, Path collectionDir) {}

  private Catalog(Path root, Configuration conf,
      BiFunction<String, CollectionOperationsContext, PointerStore> pointerStores) {
    this.root = root;
    this.conf = conf;
    this.pointerStores = pointerStores;
    try {
      this.fs = root.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open warehouse " + root, e);
    }
  }

  /**
   * A warehouse whose version pointers live where its configuration says: with a {@link PointerStoreProvider} that
   * applies (e.g. {@value PointerStoreProvider#ZOOKEEPER} set and the coordinator on the classpath), there; otherwise
   * in its own folders ({@link FileSystemPointerStore}).
   */
  public static Catalog open(String warehouse, Configuration conf) {
    for (PointerStoreProvider p : java.util.ServiceLoader.load(PointerStoreProvider.class,
        Catalog.class.getClassLoader())) {
      BiFunction<String, CollectionOperationsContext, PointerStore> stores = p.stores(conf);
      if (stores != null) {
        return open(warehouse, conf, stores);
      }
    }
    if (conf.get(PointerStoreProvider.ZOOKEEPER) != null) {
      throw new IllegalStateException(PointerStoreProvider.ZOOKEEPER + " is set, but no ZooKeeper pointer store is on "
          + "the classpath: add the quiver-coordinator module");
    }
    return open(warehouse, conf, (name, ctx) -> new FileSystemPointerStore(ctx.fs(), new Path(ctx.collectionDir(),
        "metadata")));
  }

  /**
   * Closes the clients every {@link PointerStoreProvider} of this class loader shares (see
   * {@link PointerStoreProvider#releaseShared()}); catalogs opened before must not be used afterwards.
   */
  public static void releaseSharedClients() {
    for (PointerStoreProvider p : java.util.ServiceLoader.load(PointerStoreProvider.class,
        Catalog.class.getClassLoader())) {
      p.releaseShared();
    }
  }

  /** A warehouse whose version pointers live elsewhere (the coordinator's ZooKeeper store). */
  public static Catalog open(String warehouse, Configuration conf,
      BiFunction<String, CollectionOperationsContext, PointerStore> pointerStores) {
    if (warehouse == null || warehouse.isBlank()) {
      throw new IllegalArgumentException("A warehouse location is required, e.g. /data/quiver or s3a://bucket/quiver");
    }
    Path root = new Path(warehouse);
    String scheme = root.toUri().getScheme();
    boolean local = scheme == null || "file".equals(scheme);
    // Only for local warehouses: S3A needs file: to stay Hadoop's LocalFileSystem for its buffer directory.
    return new Catalog(root, local ? localAsRaw(conf) : new Configuration(conf), pointerStores);
  }

  /**
   * A copy of {@code conf} in which {@code file:} paths use the raw local file system ({@link NioLocalFileSystem}: no
   * {@code chmod} processes; or the class named by
   * {@code quiver.local.fs.impl}, which tests use to inject faults). Only for local warehouses.
   */
  public static Configuration localAsRaw(Configuration conf) {
    Configuration c = new Configuration(conf);
    c.setClass("fs.file.impl", c.getClass("quiver.local.fs.impl", NioLocalFileSystem.class), FileSystem.class);
    c.setBoolean("fs.file.impl.disable.cache", true);
    return c;
  }

  public static Catalog open(String warehouse, Map<String, String> hadoopProperties) {
    Configuration conf = new Configuration();
    hadoopProperties.forEach(conf::set);
    return open(warehouse, conf);
  }

  public Path root() {
    return root;
  }

  /** The Hadoop configuration every reader and writer of this warehouse must use. */
  public Configuration conf() {
    return conf;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  public Path collectionDir(String collection) {
    checkName(collection);
    return new Path(root, collection);
  }

  public CollectionOperations operations(String collection) {
    Path dir = collectionDir(collection);
    return new CollectionOperations(collection, fs, dir, pointerStores.apply(collection,
        new CollectionOperationsContext(fs, dir)));
  }

  public ManifestCommitter committer(String collection) {
    return new ManifestCommitter(operations(collection));
  }

  /**
   * Creates a collection: its first manifest (version 1, no segments).
   *
   * @throws IllegalArgumentException when it exists already or the name or shard count is bad
   */
  public Manifest create(String collection, CollectionSchema schema, int shards, Map<String, IndexSpec> indexSpecs,
      Map<String, String> properties) {
    checkName(collection);
    if (shards < 1 || shards > 1024) {
      throw new IllegalArgumentException("Cannot create collection " + collection + ": shards must be 1..1024, got "
          + shards);
    }
    Map<String, IndexSpec> specs = new TreeMap<>();
    schema.vectorFields().forEach(f -> specs.put(f.name(), IndexSpec.flat()));
    for (Map.Entry<String, IndexSpec> e : indexSpecs.entrySet()) {
      if (schema.field(e.getKey()) == null || !schema.field(e.getKey()).type().isVector()) {
        throw new IllegalArgumentException("Cannot create collection " + collection + ": index on '" + e.getKey()
            + "', which is not a vector field of " + schema.fieldNames());
      }
      specs.put(e.getKey(), e.getValue());
    }
    CollectionOperations ops = operations(collection);
    Manifest first = Manifest.builder(collection, schema, shards)
        .version(1)
        .snapshotId(Math.abs(new java.util.Random().nextLong() | 1L))
        .timestampMillis(System.currentTimeMillis())
        .indexSpecs(specs)
        .properties(properties)
        .summary(Map.of("operation", "create"))
        .build();
    try {
      if (ops.pointer() != null) {
        throw new IllegalArgumentException("Collection '" + collection + "' already exists in " + root);
      }
      fs.mkdirs(ops.metadataDir());
      Path staged = ops.stage(ManifestParser.toBytes(first));
      PointerStore.Pointer p = new PointerStore.Pointer(1, ops.pointers().fileName(1, "create"));
      if (!ops.pointers().swap(null, p, staged)) {
        throw new IllegalArgumentException("Collection '" + collection + "' was created concurrently in " + root);
      }
      return first;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create collection " + collection + " in " + root, e);
    }
  }

  public boolean exists(String collection) {
    try {
      return operations(collection).pointer() != null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names of the collections in this warehouse, sorted. */
  public List<String> list() {
    List<String> out = new ArrayList<>();
    try {
      for (FileStatus st : fs.listStatus(root)) {
        String name = st.getPath().getName();
        if (st.isDirectory() && NAME.matcher(name).matches() && exists(name)) {
          out.add(name);
        }
      }
    } catch (FileNotFoundException e) {
      return Collections.emptyList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list warehouse " + root, e);
    }
    Collections.sort(out);
    return out;
  }

  /** The current manifest. */
  public Manifest current(String collection) {
    Manifest m = operations(collection).current();
    if (m == null) {
      throw new NoSuchCollectionException(collection, root.toString());
    }
    return m;
  }

  /** A retained version (time travel). */
  public Manifest version(String collection, long version) {
    Manifest current = current(collection);
    if (version == current.version()) {
      return current;
    }
    for (Manifest.HistoryEntry h : current.history()) {
      if (h.version() == version) {
        return operations(collection).read(h.file());
      }
    }
    throw new NoSuchVersionException("Collection " + collection + " has no retained version " + version
        + "; retained: " + retainedVersions(current));
  }

  /** The version a tag names. */
  public Manifest tag(String collection, String tag) {
    Manifest current = current(collection);
    Long v = current.tags().get(tag);
    if (v == null) {
      throw new NoSuchVersionException("Collection " + collection + " has no tag '" + tag + "'; tags: "
          + current.tags().keySet());
    }
    return version(collection, v);
  }

  /** The newest version committed at or before {@code timestampMillis}. */
  public Manifest asOf(String collection, long timestampMillis) {
    Manifest current = current(collection);
    if (current.timestampMillis() <= timestampMillis) {
      return current;
    }
    Manifest.HistoryEntry best = null;
    for (Manifest.HistoryEntry h : current.history()) {
      if (h.timestampMillis() <= timestampMillis && (best == null || h.version() > best.version())) {
        best = h;
      }
    }
    if (best == null) {
      throw new NoSuchVersionException("Collection " + collection + " has no retained version as of "
          + java.time.Instant.ofEpochMilli(timestampMillis));
    }
    return operations(collection).read(best.file());
  }

  static List<Long> retainedVersions(Manifest current) {
    List<Long> out = new ArrayList<>();
    current.history().forEach(h -> out.add(h.version()));
    out.add(current.version());
    return out;
  }

  /** Drops a collection: deletes its directory (and every version). */
  public void drop(String collection) {
    if (!exists(collection)) {
      throw new NoSuchCollectionException(collection, root.toString());
    }
    try {
      if (!fs.delete(collectionDir(collection), true) && exists(collection)) {
        throw new IOException("delete returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot drop collection " + collection, e);
    }
  }

  public Maintenance maintenance(String collection) {
    return new Maintenance(this, operations(collection));
  }

  static void checkName(String collection) {
    if (collection == null || !NAME.matcher(collection).matches()) {
      throw new IllegalArgumentException("Bad collection name '" + collection
          + "': use 1-255 letters, digits or underscores, not starting with a digit");
    }
  }

  static byte[] read(FileSystem fs, Path p) throws IOException {
    return HadoopFiles.readAll(fs, p);
  }
}
