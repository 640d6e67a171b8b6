package io.quiver.embedded;

import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link QuiverServers}: starts the servers once per test class and resolves parameters
 * of type {@link EmbeddedServers}, {@link EmbeddedKafka}, {@link EmbeddedZooKeeper} and {@link EmbeddedS3}.
 *
 * <p>The servers live in the class-level {@link ExtensionContext.Store}; JUnit closes them (they are
 * {@link AutoCloseable}) when the class's context closes, after its {@code @AfterAll} methods. Either annotate the
 * class with {@link QuiverServers}, or register a configured instance:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final QuiverServersExtension SERVERS = QuiverServersExtension.of(
 *     EmbeddedServers.builder().kafka(Map.of("auto.create.topics.enable", "true")).s3("warehouse"));
 * }</pre>
 */
public final class QuiverServersExtension implements BeforeAllCallback, ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(QuiverServersExtension.class);
  private static final String KEY = "servers";
  private static final Set<Class<?>> INJECTABLE =
      Set.of(EmbeddedServers.class, EmbeddedKafka.class, EmbeddedZooKeeper.class, EmbeddedS3.class);

  /** Null when the servers come from the test class's {@link QuiverServers} annotation. */
  private final EmbeddedServers.Builder builder;

  /** Used by {@link QuiverServers}: reads the selection from the annotation on the test class. */
  public QuiverServersExtension() {
    this.builder = null;
  }

  private QuiverServersExtension(EmbeddedServers.Builder builder) {
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  /** An extension that starts {@code builder}'s servers for each test class it is registered on. */
  public static QuiverServersExtension of(EmbeddedServers.Builder builder) {
    return new QuiverServersExtension(builder);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    servers(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return INJECTABLE.contains(parameterContext.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    // With @TestInstance(PER_CLASS) the constructor is resolved before beforeAll, so start here if needed.
    EmbeddedServers servers = servers(extensionContext);
    try {
      if (type == EmbeddedKafka.class) {
        return servers.kafka();
      } else if (type == EmbeddedZooKeeper.class) {
        return servers.zookeeper();
      } else if (type == EmbeddedS3.class) {
        return servers.s3();
      }
      return servers;
    } catch (IllegalStateException e) {
      throw new ParameterResolutionException("Cannot inject " + type.getSimpleName() + " into "
          + parameterContext.getDeclaringExecutable() + ": " + e.getMessage(), e);
    }
  }

  private EmbeddedServers servers(ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    // The store looks in enclosing contexts first, so @Nested classes reuse their outer class's servers.
    return classContext.getStore(NAMESPACE)
        .getOrComputeIfAbsent(KEY, key -> start(classContext), EmbeddedServers.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  private EmbeddedServers start(ExtensionContext classContext) {
    if (builder != null) {
      return builder.start();
    }
    Class<?> testClass = classContext.getRequiredTestClass();
    QuiverServers selection = AnnotationSupport.findAnnotation(testClass, QuiverServers.class)
        .orElseThrow(() -> new ExtensionConfigurationException("Cannot start embedded servers for "
            + testClass.getName() + ": it has no @QuiverServers; annotate it, or register "
            + "QuiverServersExtension.of(EmbeddedServers.builder()...) with @RegisterExtension"));
    EmbeddedServers.Builder fromAnnotation = EmbeddedServers.builder();
    if (selection.zookeeper()) {
      fromAnnotation.zookeeper();
    }
    if (selection.s3()) {
      fromAnnotation.s3();
    }
    if (selection.kafka()) {
      fromAnnotation.kafka();
    }
    return fromAnnotation.start();
  }
}
