package io.quiver.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The Hadoop settings a warehouse needs, as a serializable map shipped to executors: the session's Hadoop
 * configuration (only its explicitly set {@code fs.*} keys) under the {@code hadoop.*} options of the read or write.
 */
public final class HadoopConf implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, String> properties;
  private transient Configuration conf;

  public HadoopConf(Map<String, String> properties) {
    this.properties = new TreeMap<>(properties);
  }

  /** The active session's {@code fs.*} settings with the options' {@code hadoop.*} settings on top. */
  public static HadoopConf of(QuiverOptions options) {
    Map<String, String> props = new TreeMap<>();
    SparkSession session = SparkSession.getActiveSession().getOrElse(() -> null);
    if (session != null) {
      Configuration sc = session.sparkContext().hadoopConfiguration();
      for (Map.Entry<String, String> e : sc) {
        if (e.getKey().startsWith("fs.s3a.") || e.getKey().startsWith("fs.hdfs.")
            || e.getKey().startsWith("fs.defaultFS")) {
          props.put(e.getKey(), e.getValue());
        }
      }
    }
    props.putAll(options.hadoopProperties());
    return new HadoopConf(props);
  }

  public Map<String, String> properties() {
    return properties;
  }

  /** A configuration with the settings applied (cached per instance). */
  public synchronized Configuration conf() {
    if (conf == null) {
      Configuration c = new Configuration();
      properties.forEach(c::set);
      conf = c;
    }
    return conf;
  }
}
