package io.quiver.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code QuiverCli.main} lets gRPC's Netty load the first of the two epoll libraries on this class path (its own and
 * the Milvus SDK's copy under the same name); that is only right while grpc-netty-shaded's comes first.
 */
class NativeTransportTest {
  @Test
  void grpcNettyShadedsOwnEpollLibraryComesFirst() throws Exception {
    List<URL> copies = Collections.list(getClass().getClassLoader().getResources(
        "META-INF/native/libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so"));
    assertThat(copies).isNotEmpty();
    assertThat(copies.get(0).toString()).contains("/grpc-netty-shaded-");
  }
}
