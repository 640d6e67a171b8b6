package io.quiver.spark;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.NoSuchCollectionException;
import io.quiver.spark.catalog.Procedures;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.NonEmptyNamespaceException;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.NamespaceChange;
import org.apache.spark.sql.connector.catalog.ProcedureCatalog;
import org.apache.spark.sql.connector.catalog.SupportsNamespaces;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.catalog.TableInfo;
import org.apache.spark.sql.connector.catalog.procedures.UnboundProcedure;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Spark SQL catalog over one Quiver warehouse: {@code spark.sql.catalog.q = io.quiver.spark.QuiverCatalog},
 * {@code spark.sql.catalog.q.warehouse = s3a://bucket/quiver}, plus {@code spark.sql.catalog.q.hadoop.<key>} (S3A
 * settings) and {@code spark.sql.catalog.q.kafka.<key>}.
 *
 * <p><b>Namespaces</b> are one level and map to a collection name prefix: table {@code q.db.docs} is the collection
 * {@code db__docs}; a table without a namespace ({@code q.docs}) is the collection {@code docs}. Namespaces exist as
 * long as a collection carries their prefix ({@code CREATE NAMESPACE} is accepted and records nothing).
 *
 * <p>Supports {@code CREATE TABLE ... USING quiver TBLPROPERTIES (...)} (see {@link SparkSchemas#fromSpark}),
 * {@code INSERT INTO / OVERWRITE}, {@code SELECT ... VERSION AS OF <n | 'tag'>}, {@code TIMESTAMP AS OF},
 * {@code DELETE FROM ... WHERE}, {@code DROP TABLE}, {@code SHOW TABLES}, and the procedures in
 * {@link Procedures} ({@code CALL q.system.compact(table => 'db.docs')}).
 */
public final class QuiverCatalog implements TableCatalog, SupportsNamespaces, ProcedureCatalog {
  static final String SEPARATOR = "__";

  private String name;
  private QuiverOptions options;
  private HadoopConf conf;

  @Override
  public void initialize(String catalogName, CaseInsensitiveStringMap settings) {
    this.name = catalogName;
    this.options = QuiverOptions.of(settings.asCaseSensitiveMap());
    options.warehouse();
    this.conf = HadoopConf.of(options);
  }

  @Override
  public String name() {
    return name;
  }

  public Catalog catalog() {
    return Warehouses.catalog(options.warehouse(), conf);
  }

  public QuiverOptions options() {
    return options;
  }

  public HadoopConf hadoopConf() {
    return conf;
  }

  /** The collection of a table identifier ({@code db.docs} → {@code db__docs}). */
  public static String collection(Identifier ident) {
    String[] ns = ident.namespace();
    if (ns.length > 1) {
      throw new IllegalArgumentException("Quiver namespaces have one level; got " + String.join(".", ns));
    }
    if (ident.name().contains(SEPARATOR) || (ns.length == 1 && ns[0].contains(SEPARATOR))) {
      throw new IllegalArgumentException("Table and namespace names must not contain '" + SEPARATOR + "': "
          + ident);
    }
    return ns.length == 0 ? ident.name() : ns[0] + SEPARATOR + ident.name();
  }

  /** A table name as procedures take it: {@code 'db.docs'} or {@code 'docs'}. */
  public static String collection(String table) {
    String[] parts = table.split("\\.");
    String[] ns = new String[parts.length - 1];
    System.arraycopy(parts, 0, ns, 0, ns.length);
    return collection(Identifier.of(ns, parts[parts.length - 1]));
  }

  private static Identifier identifier(String collection) {
    int i = collection.indexOf(SEPARATOR);
    return i < 0 ? Identifier.of(new String[0], collection)
        : Identifier.of(new String[] {collection.substring(0, i)}, collection.substring(i + SEPARATOR.length()));
  }

  private QuiverOptions tableOptions(String collection) {
    Map<String, String> o = new TreeMap<>(options.asMap());
    o.put(QuiverOptions.COLLECTION, collection);
    return QuiverOptions.of(o);
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    List<Identifier> out = new ArrayList<>();
    for (String c : catalog().list()) {
      Identifier id = identifier(c);
      if (java.util.Arrays.equals(id.namespace(), namespace)) {
        out.add(id);
      }
    }
    return out.toArray(new Identifier[0]);
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    String c = collection(ident);
    try {
      return new QuiverTable(name + "." + ident, tableOptions(c), conf, catalog().current(c), false);
    } catch (NoSuchCollectionException e) {
      throw new NoSuchTableException(ident);
    }
  }

  @Override
  public Table loadTable(Identifier ident, String version) throws NoSuchTableException {
    String c = collection(ident);
    if (!catalog().exists(c)) {
      throw new NoSuchTableException(ident);
    }
    Map<String, String> o = new TreeMap<>(tableOptions(c).asMap());
    o.put(QuiverOptions.VERSION, version);
    return new QuiverTable(name + "." + ident, QuiverOptions.of(o), conf,
        Snapshots.byVersionOrTag(catalog(), c, version), false);
  }

  @Override
  public Table loadTable(Identifier ident, long timestampMicros) throws NoSuchTableException {
    String c = collection(ident);
    if (!catalog().exists(c)) {
      throw new NoSuchTableException(ident);
    }
    Map<String, String> o = new TreeMap<>(tableOptions(c).asMap());
    o.put(QuiverOptions.AS_OF_TIMESTAMP, Long.toString(timestampMicros / 1000));
    return new QuiverTable(name + "." + ident, QuiverOptions.of(o), conf,
        catalog().asOf(c, timestampMicros / 1000), false);
  }

  @Override
  public Table createTable(Identifier ident, TableInfo info) throws TableAlreadyExistsException {
    String c = collection(ident);
    if (catalog().exists(c)) {
      throw new TableAlreadyExistsException(ident);
    }
    Map<String, String> props = new TreeMap<>(info.properties());
    Manifest m = QuiverDataSource.create(catalog(), c, info.schema(), props);
    return new QuiverTable(name + "." + ident, tableOptions(c), conf, m, false);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw new UnsupportedOperationException("ALTER TABLE is not supported by Quiver yet (" + ident + ")");
  }

  @Override
  public boolean dropTable(Identifier ident) {
    String c = collection(ident);
    if (!catalog().exists(c)) {
      return false;
    }
    catalog().drop(c);
    return true;
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw new UnsupportedOperationException("RENAME TABLE is not supported by Quiver (" + oldIdent + ")");
  }

  // Namespaces: prefixes of collection names.

  @Override
  public String[][] listNamespaces() {
    Set<String> ns = new LinkedHashSet<>();
    for (String c : catalog().list()) {
      int i = c.indexOf(SEPARATOR);
      if (i > 0) {
        ns.add(c.substring(0, i));
      }
    }
    String[][] out = new String[ns.size()][];
    int k = 0;
    for (String n : ns) {
      out[k++] = new String[] {n};
    }
    return out;
  }

  @Override
  public String[][] listNamespaces(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length == 0) {
      return listNamespaces();
    }
    return new String[0][];
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length > 1) {
      throw new NoSuchNamespaceException(namespace);
    }
    return Map.of();
  }

  @Override
  public void createNamespace(String[] namespace, Map<String, String> metadata) {
    if (namespace.length != 1) {
      throw new IllegalArgumentException("Quiver namespaces have exactly one level: " + String.join(".", namespace));
    }
  }

  @Override
  public void alterNamespace(String[] namespace, NamespaceChange... changes) {
    throw new UnsupportedOperationException("Quiver namespaces have no properties");
  }

  @Override
  public boolean dropNamespace(String[] namespace, boolean cascade) throws NonEmptyNamespaceException {
    Identifier[] tables = listTables(namespace);
    if (tables.length > 0 && !cascade) {
      throw new NonEmptyNamespaceException(namespace);
    }
    for (Identifier t : tables) {
      dropTable(t);
    }
    return true;
  }

  // Procedures

  @Override
  public UnboundProcedure loadProcedure(Identifier ident) {
    UnboundProcedure p = Procedures.load(this, ident);
    if (p == null) {
      throw new IllegalArgumentException("No Quiver procedure " + ident + "; procedures: "
          + java.util.Arrays.toString(Procedures.list(new String[] {"system"})));
    }
    return p;
  }

  @Override
  public Identifier[] listProcedures(String[] namespace) {
    return Procedures.list(namespace);
  }
}
