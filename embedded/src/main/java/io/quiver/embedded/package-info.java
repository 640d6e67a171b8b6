/**
 * Real servers for tests and the quickstart, started inside one JVM on 127.0.0.1 with free ports.
 *
 * <ul>
 *   <li>{@link io.quiver.embedded.EmbeddedKafka}: a Kafka KRaft broker+controller (the write-ahead log);</li>
 *   <li>{@link io.quiver.embedded.EmbeddedZooKeeper}: a ZooKeeper server, or with
 *       {@link io.quiver.embedded.EmbeddedZooKeeper#startCluster(int)} an ensemble (leader election);</li>
 *   <li>{@link io.quiver.embedded.EmbeddedS3}: S3Proxy over a local directory (object storage via S3A);</li>
 *   <li>{@link io.quiver.embedded.EmbeddedServers}: any subset of the three, closed together;</li>
 *   <li>{@link io.quiver.embedded.QuiverServers} / {@link io.quiver.embedded.QuiverServersExtension}: the JUnit 5
 *       way to start them once per test class and inject them as parameters.</li>
 * </ul>
 *
 * <p>Nothing here binds the wildcard address: every listener is 127.0.0.1, every port is chosen free first, and
 * every wait polls a condition against a deadline. This module must not depend on {@code quiver-engine}.
 */
package io.quiver.embedded;
