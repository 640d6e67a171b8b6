package io.quiver.embedded;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 endpoint (S3Proxy over a local directory) inside this JVM on {@code http://127.0.0.1:<port>}, with
 * AWS signature V2 or V4 authentication and one bucket created up front. Objects live in a temporary directory
 * deleted by {@link #close()}.
 *
 * <p>{@link #hadoopProperties()} are the S3A settings that point Hadoop's {@code s3a://} file system at it.
 */
public final class EmbeddedS3 implements AutoCloseable {
  /** The prefix of the bucket {@link #start()} creates: {@code quiver-<8 hex digits>}, new for every server. */
  public static final String DEFAULT_BUCKET_PREFIX = "quiver";
  private static final String REGION = "us-east-1";
  private static final String ACCESS_KEY = "quiver-access-key";
  private static final String SECRET_KEY = "quiver-secret-key";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

  private final S3Proxy proxy;
  private final BlobStore store;
  private final Path dir;
  private final String bucket;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Duration startupTime = Duration.ZERO;

  private EmbeddedS3(S3Proxy proxy, BlobStore store, Path dir, String bucket) {
    this.proxy = proxy;
    this.store = store;
    this.dir = dir;
    this.bucket = bucket;
    this.port = proxy.getPort();
  }

  /**
   * Starts S3Proxy with a bucket of its own, {@code quiver-<8 random hex digits>}.
   *
   * <p>Hadoop caches S3A file systems by bucket ({@code FileSystem.get} keys on scheme and authority, not on the
   * endpoint), so two servers started in one JVM with the same bucket name would share the first one's cached client
   * and endpoint. A fresh bucket name per server keeps every {@code s3a://} URI pointing at the server that made it.
   */
  public static EmbeddedS3 start() {
    return start(uniqueBucket());
  }

  /** A bucket name no other server of this JVM uses: {@value #DEFAULT_BUCKET_PREFIX}-&lt;8 hex digits&gt;. */
  public static String uniqueBucket() {
    return String.format("%s-%08x", DEFAULT_BUCKET_PREFIX, ThreadLocalRandom.current().nextInt());
  }

  /**
   * Starts S3Proxy on a free port of 127.0.0.1, waits until it is STARTED and creates {@code bucket}.
   *
   * @throws IllegalArgumentException if {@code bucket} is not a valid S3 bucket name
   * @throws IllegalStateException if S3Proxy cannot start or the bucket cannot be created
   */
  public static EmbeddedS3 start(String bucket) {
    if (bucket == null || !BUCKET_NAME.matcher(bucket).matches()) {
      throw new IllegalArgumentException("Cannot start embedded S3 with bucket '" + bucket
          + "': a bucket name is 3-63 lowercase letters, digits, dots or hyphens");
    }
    long begin = System.nanoTime();
    Path dir = TempDirs.create("quiver-s3-");
    BlobStore store = null;
    S3Proxy proxy = null;
    try {
      Path blobs = TempDirs.mkdirs(dir.resolve("blobs"));
      TempDirs.mkdirs(dir.resolve("s3a-buffer"));
      store = new FilesystemNio2BlobStore(blobs.toString());
      // Port 0: Jetty binds a free port itself, so there is no race with other processes.
      proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://" + Loopback.HOST + ":0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
      proxy.start();
      S3Proxy started = proxy;
      Await.until("S3Proxy to reach state STARTED", READY_TIMEOUT, () -> "STARTED".equals(started.getState()));
      store.createContainer(bucket);
      EmbeddedS3 s3 = new EmbeddedS3(proxy, store, dir, bucket);
      s3.startupTime = Duration.ofNanos(System.nanoTime() - begin);
      LOG.info("Embedded S3 (S3Proxy) started on {} with bucket {} in {} ms", s3.endpoint(), bucket,
          s3.startupTime.toMillis());
      return s3;
    } catch (Exception e) {
      stopQuietly(proxy, store);
      TempDirs.deleteQuietly(dir);
      throw new IllegalStateException(String.format("Cannot start embedded S3 (S3Proxy) on %s:%s with bucket %s: %s",
          Loopback.HOST, proxy == null ? "0" : portOrUnknown(proxy), bucket, e.getMessage()), e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://" + Loopback.HOST + ":" + port);
  }

  /** The HTTP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The bucket created at start. */
  public String bucket() {
    return bucket;
  }

  /** The region to configure in S3 clients; S3Proxy accepts any, signatures must agree. */
  public String region() {
    return REGION;
  }

  /** The access key id S3Proxy accepts. */
  public String accessKey() {
    return ACCESS_KEY;
  }

  /** The secret key S3Proxy accepts. */
  public String secretKey() {
    return SECRET_KEY;
  }

  /** How long {@link #start} took, bucket creation included. */
  public Duration startupTime() {
    return startupTime;
  }

  /** {@code s3a://<bucket>/<path>}; a leading slash in {@code path} is dropped. */
  public String warehouseUri(String path) {
    Objects.requireNonNull(path, "path");
    String relative = path.startsWith("/") ? path.substring(1) : path;
    return "s3a://" + bucket + "/" + relative;
  }

  /**
   * The Hadoop S3A settings for this endpoint: path-style access without TLS, static credentials, a local buffer
   * directory, and short retries and timeouts so that a test against a dead endpoint fails in seconds, not
   * minutes. Put them into a {@code Configuration} created with {@code new Configuration()}.
   */
  public Map<String, String> hadoopProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("fs.s3a.endpoint", endpoint().toString());
    props.put("fs.s3a.endpoint.region", REGION);
    props.put("fs.s3a.path.style.access", "true");
    props.put("fs.s3a.connection.ssl.enabled", "false");
    props.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    props.put("fs.s3a.access.key", ACCESS_KEY);
    props.put("fs.s3a.secret.key", SECRET_KEY);
    props.put("fs.s3a.buffer.dir", dir.resolve("s3a-buffer").toString());
    // Fail fast: S3A's defaults retry for minutes against an endpoint that is gone.
    props.put("fs.s3a.attempts.maximum", "2");
    props.put("fs.s3a.retry.limit", "2");
    props.put("fs.s3a.retry.interval", "100ms");
    props.put("fs.s3a.retry.throttle.limit", "2");
    props.put("fs.s3a.retry.throttle.interval", "100ms");
    props.put("fs.s3a.connection.establish.timeout", "5s");
    props.put("fs.s3a.connection.timeout", "30s");
    props.put("fs.s3a.connection.acquisition.timeout", "10s");
    return Collections.unmodifiableMap(props);
  }

  /** Stops S3Proxy and deletes every object. Idempotent; logs instead of throwing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stopQuietly(proxy, store);
      TempDirs.deleteQuietly(dir);
      LOG.info("Embedded S3 {} stopped", endpoint());
    }
  }

  private static void stopQuietly(S3Proxy proxy, BlobStore store) {
    try {
      if (proxy != null) {
        proxy.stop();
      }
    } catch (Exception e) {
      LOG.warn("S3Proxy did not stop cleanly", e);
    }
    try {
      if (store != null) {
        store.close();
      }
    } catch (Exception e) {
      LOG.warn("S3Proxy blob store did not close cleanly", e);
    }
  }

  private static String portOrUnknown(S3Proxy proxy) {
    try {
      return Integer.toString(proxy.getPort());
    } catch (RuntimeException e) {
      return "0 (not bound)";
    }
  }

  @Override
  public String toString() {
    return "EmbeddedS3[" + endpoint() + ", bucket " + bucket + "]";
  }
}
