package io.quiver.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts the selected embedded servers once for the annotated test class and injects them into constructors, test
 * methods and {@code @BeforeAll}/{@code @BeforeEach} methods as parameters of type {@link EmbeddedKafka},
 * {@link EmbeddedZooKeeper}, {@link EmbeddedS3} or {@link EmbeddedServers}. They are closed after the class's
 * {@code @AfterAll} methods. {@code @Nested} classes share their enclosing class's servers.
 *
 * <pre>{@code
 * @QuiverServers(kafka = true, s3 = true)
 * class WalToParquetIT {
 *   @Test
 *   void writes(EmbeddedKafka kafka, EmbeddedS3 s3) { ... }
 * }
 * }</pre>
 *
 * <p>For options (Kafka broker properties, a bucket name) register
 * {@link QuiverServersExtension#of(EmbeddedServers.Builder)} with {@code @RegisterExtension} instead; do not use
 * both on one class.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(QuiverServersExtension.class)
public @interface QuiverServers {
  /** Start a Kafka KRaft broker ({@link EmbeddedKafka}). */
  boolean kafka() default false;

  /** Start a standalone ZooKeeper server ({@link EmbeddedZooKeeper}). */
  boolean zookeeper() default false;

  /** Start S3Proxy with a bucket of its own, {@code quiver-<8 hex digits>} ({@link EmbeddedS3#start()}). */
  boolean s3() default false;
}
